package p2pnio.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.testkit.TestFiles;

/** {@code p2p.jar serve} and {@code p2p.jar get} as real processes on loopback: files, digests, exit statuses. */
class HeadlessIT {

    private static final Duration RUN = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Path folder(String name) throws Exception {
        return Files.createDirectories(tmp.resolve(name));
    }

    @Test
    void getSavesTheFileServedByServeBitIdenticalAndExitsZero() throws Exception {
        Path served = folder("served");
        Path fetched = folder("fetched");
        Path original = TestFiles.random(served.resolve("photo.jpg"), 3 * 1024 * 1024 + 17, 1);
        try (Jar serve = Jar.serve(tmp, "--folder", "served")) {
            Jar.Result get = Jar.run(tmp, Map.of(), RUN, "get", "photo.jpg", "--folder", "fetched", "--peer", serve.udp());

            assertThat(get.exit()).as(get.output()).isZero();
            assertThat(get.output()).contains("saved", "photo.jpg", serve.udp());
            assertThat(TestFiles.sha256(fetched.resolve("photo.jpg"))).isEqualTo(TestFiles.sha256(original));
            assertThat(fetched).isDirectoryNotContaining("glob:**/.p2p-*");
        }
    }

    @Test
    void twoGetProcessesSavingOneNameInOneFolderFromServersWithDifferentContentKeepBothWhole() throws Exception {
        Path one = folder("one");
        Path two = folder("two");
        Path fetched = folder("fetched");
        String first = TestFiles.sha256(TestFiles.random(one.resolve("x.bin"), 24 << 20, 1));
        String second = TestFiles.sha256(TestFiles.random(two.resolve("x.bin"), 24 << 20, 2));
        try (Jar serveOne = Jar.serve(tmp, "--folder", "one");
             Jar serveTwo = Jar.serve(tmp, "--folder", "two");
             Jar getOne = Jar.start(tmp, Map.of(), "get", "x.bin", "--folder", "fetched", "--peer", serveOne.udp());
             Jar getTwo = Jar.start(tmp, Map.of(), "get", "x.bin", "--folder", "fetched", "--peer", serveTwo.udp())) {
            String savedOne = getOne.awaitLine(l -> l.startsWith("saved "), RUN);
            String savedTwo = getTwo.awaitLine(l -> l.startsWith("saved "), RUN);
            // Each process saved whole the bytes of its own server, under a name of its own.
            Path pathOne = Path.of(savedOne.substring("saved ".length(), savedOne.indexOf(".bin (") + 4));
            Path pathTwo = Path.of(savedTwo.substring("saved ".length(), savedTwo.indexOf(".bin (") + 4));
            assertThat(pathOne).isNotEqualTo(pathTwo);
            assertThat(TestFiles.sha256(pathOne)).isEqualTo(first);
            assertThat(TestFiles.sha256(pathTwo)).isEqualTo(second);
            try (var files = Files.list(fetched)) {
                // (and perhaps the digest cache of a get that hashed its folder before it exited: not a download)
                assertThat(files.map(p -> p.getFileName().toString())
                        .filter(n -> !n.equals(".p2p-digests")).toList())
                        .containsExactlyInAnyOrder("x.bin", "x (1).bin");
            }
        }
    }

    @Test
    void serveWithAnUploadLimitSendsNoFasterThanItAndGetsWithADownloadLimitLikewise() throws Exception {
        Path served = folder("served");
        folder("fetched");
        Path original = TestFiles.random(served.resolve("slow.bin"), 3 * 1024 * 1024, 2);
        try (Jar serve = Jar.serve(tmp, "--folder", "served", "--max-upload-rate", "1M")) {
            Jar.Result get = Jar.run(tmp, Map.of("P2P_MAX_DOWNLOAD_RATE", "2M"), RUN, "get", "slow.bin",
                    "--folder", "fetched", "--peer", serve.udp());

            assertThat(get.exit()).as(get.output()).isZero();
            assertThat(TestFiles.sha256(tmp.resolve("fetched/slow.bin"))).isEqualTo(TestFiles.sha256(original));
            // "saved .../slow.bin (3.0 MiB in 2.93 s, 1.0 MiB/s) from ...": the download's own time.
            java.util.regex.Matcher took = java.util.regex.Pattern.compile("MiB in ([0-9.]+) s").matcher(get.output());
            assertThat(took.find()).as(get.output()).isTrue();
            // 3 MiB at 1 MiB/s, less the bucket's starting tenth of a second, and not much more.
            assertThat(Double.parseDouble(took.group(1))).isBetween(2.85, 4.0);
        }
        Jar.Result bad = Jar.run(tmp, Map.of(), RUN, "serve", "--folder", "served", "--max-upload-rate", "fast");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.output()).contains("--max-upload-rate: 'fast' is not a rate in bytes per second");
    }

    @Test
    void getTakesItsSettingsFromTheEnvironmentWhenNoOptionGivesThem() throws Exception {
        Path served = folder("served");
        folder("fetched");
        Files.writeString(served.resolve("notes.txt"), "from the environment\n");
        try (Jar serve = Jar.serve(tmp, "--folder", "served")) {
            Jar.Result get = Jar.run(tmp, Map.of("P2P_FOLDER", "fetched", "P2P_CLUSTER", serve.udp(), "P2P_PORT", "0"),
                    RUN, "get", "notes.txt");

            assertThat(get.exit()).as(get.output()).isZero();
            assertThat(tmp.resolve("fetched/notes.txt")).hasContent("from the environment");
        }
    }

    @Test
    void getExitsOneWithAOneLineReasonWhenNobodyHasTheFile() throws Exception {
        folder("served");
        folder("fetched");
        try (Jar serve = Jar.serve(tmp, "--folder", "served")) {
            Jar.Result get = Jar.run(tmp, Map.of(), RUN, "get", "missing.iso", "--folder", "fetched",
                    "--peer", serve.udp(), "--waiting", "1.5");

            assertThat(get.exit()).isEqualTo(1);
            assertThat(get.output().lines()).hasSize(1);
            assertThat(get.output()).contains("missing.iso", "no peer answered");
            assertThat(tmp.resolve("fetched")).isEmptyDirectory();
        }
    }

    @Test
    void getExitsOneForANameThatCannotTravelInTheProtocol() throws Exception {
        folder("fetched");
        Jar.Result get = Jar.run(tmp, Map.of(), RUN, "get", "a,b.txt", "--folder", "fetched", "--peer", "127.0.0.1:9");

        assertThat(get.exit()).isEqualTo(1);
        assertThat(get.output()).isEqualTo("p2p get: cannot request 'a,b.txt': the name holds ',', which splits the protocol's messages");
    }

    @Test
    void badUsageExitsTwoAndNamesTheSettingAndItsSource() throws Exception {
        folder("fetched");
        Jar.Result unknownOption = Jar.run(tmp, Map.of(), RUN, "get", "x", "--colour");
        Jar.Result portOption = Jar.run(tmp, Map.of(), RUN, "get", "x", "--folder", "fetched", "--port", "70000");
        Jar.Result portEnv = Jar.run(tmp, Map.of("P2P_PORT", "http"), RUN, "serve", "--folder", "fetched");
        Jar.Result peerWithoutPort = Jar.run(tmp, Map.of(), RUN, "get", "x", "--folder", "fetched", "--peer", "10.0.0.7");
        Jar.Result noFolder = Jar.run(tmp, Map.of(), RUN, "serve", "--folder", "nowhere");
        Jar.Result noFolderBeforeTheMode = Jar.run(tmp, Map.of(), RUN, "--folder", "nowhere", "serve");

        assertThat(unknownOption.exit()).isEqualTo(2);
        assertThat(unknownOption.output()).contains("Unknown option: '--colour'");
        assertThat(portOption.exit()).isEqualTo(2);
        assertThat(portOption.output()).contains("--port: '70000' is out of range (0 to 65535)");
        assertThat(portEnv.exit()).isEqualTo(2);
        assertThat(portEnv.output()).contains("P2P_PORT: 'http' is not a whole number");
        assertThat(peerWithoutPort.exit()).isEqualTo(2);
        assertThat(peerWithoutPort.output()).contains("--peer: peer '10.0.0.7' has no port");
        assertThat(noFolder.exit()).isEqualTo(2);
        assertThat(noFolder.output()).contains("folder:", "nowhere", "is not an existing directory");
        assertThat(noFolderBeforeTheMode.exit()).as("options before the mode count too").isEqualTo(2);
        assertThat(noFolderBeforeTheMode.output()).contains("nowhere", "is not an existing directory");
    }

    @Test
    void serveReadsConfigYmlFromTheConfigsFolderAndAnOptionBeatsIt() throws Exception {
        folder("served");
        Files.createDirectories(tmp.resolve("configs"));
        Files.writeString(tmp.resolve("configs/config.yml"), "host: 127.0.0.1\nport: 0\nfolder: nowhere\nperiod: 5\n");

        try (Jar serve = Jar.start(tmp, Map.of(), "serve", "--folder", "served")) {
            String ready = serve.awaitLine(l -> l.startsWith("serving "), Duration.ofSeconds(20));
            assertThat(ready).matches("serving udp=127\\.0\\.0\\.1:\\d+ tcp=127\\.0\\.0\\.1:\\d+ folder=.*served");
        }
        Files.writeString(tmp.resolve("configs/config.yml"), "port: 0\nwaiting: -3\n");
        Jar.Result bad = Jar.run(tmp, Map.of(), RUN, "serve", "--folder", "served");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.output()).contains("waiting in ", "config.yml: '-3' must be more than 0 seconds");
    }

    @Test
    void serveStopsCleanlyOnSigtermAndPrintsItsCountersWhenAsked() throws Exception {
        folder("served");
        try (Jar serve = Jar.serve(tmp, "--folder", "served", "--stats-every", "0.2")) {
            serve.awaitLine(l -> l.startsWith("stats: datagrams in="), Duration.ofSeconds(20));

            int exit = serve.terminate(Duration.ofSeconds(20));

            assertThat(exit).isEqualTo(143);
            assertThat(serve.output()).endsWith("stopped");
        }
    }

    @Test
    void serveWritesTheTraceOfADownloadToTheTraceFile() throws Exception {
        Path served = folder("served");
        folder("fetched");
        Files.writeString(served.resolve("t.txt"), "traced\n");
        try (Jar serve = Jar.serve(tmp, "--folder", "served", "--trace-file", "trace.log")) {
            Jar.Result get = Jar.run(tmp, Map.of(), RUN, "get", "t.txt", "--folder", "fetched", "--peer", serve.udp());
            assertThat(get.exit()).as(get.output()).isZero();
            serve.terminate(Duration.ofSeconds(20));
        }
        assertThat(Files.readString(tmp.resolve("trace.log"))).contains("t.txt");
    }
}
