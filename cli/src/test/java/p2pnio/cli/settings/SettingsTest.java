package p2pnio.cli.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import p2pnio.NodeConfig;
import picocli.CommandLine;

class SettingsTest {

    @TempDir
    Path dir;

    private NodeOptions options(String... args) {
        NodeOptions o = new NodeOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    private Settings resolve(Map<String, String> env, String... args) {
        return Settings.resolve(options(args),
                new Launch(env, dir, new ByteArrayInputStream(new byte[0]), System.out, System.err));
    }

    @Test
    void defaultsAreThoseOfTheProtocolWhenNoSourceSaysAnything() {
        Settings s = resolve(Map.of());

        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.port()).isEqualTo(1378);
        assertThat(s.period()).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.waiting()).isEqualTo(Duration.ofSeconds(100));
        assertThat(s.delay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.folder()).as("left for the shell to ask").isNull();
        assertThat(s.cluster()).as("left for the shell to ask").isNull();
        assertThat(s.configSource()).isNull();
    }

    @Test
    void theDefaultsComeFromTheEngineAndWhatNoSourceGaveIsLeftToItsBuilder() throws Exception {
        Files.createDirectories(dir.resolve("shared"));
        NodeConfig engine = NodeConfig.builder().folder(dir.resolve("shared")).build();

        NodeConfig ours = resolve(Map.of()).headless();

        assertThat(ours).isEqualTo(engine);
        assertThat(new Defaults().getString("default.period")).isEqualTo(Defaults.seconds(engine.period())).isEqualTo("20");
        assertThat(new Defaults().getString("default.port")).isEqualTo(String.valueOf(engine.port()));
    }

    @Test
    void aOneShotGetTakesAnyFreePortUnlessASourceSetsOne() {
        assertThat(resolve(Map.of()).anyPortUnlessSet().port()).isZero();
        assertThat(resolve(Map.of("P2P_PORT", "4000")).anyPortUnlessSet().port()).isEqualTo(4000);
    }

    @Test
    void anOptionBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheDefault() throws Exception {
        Files.writeString(dir.resolve("config.yml"), "host: 127.0.0.2\nport: 2001\nperiod: 3\nwaiting: 4\n");
        Map<String, String> env = Map.of("P2P_PORT", "2002", "P2P_PERIOD", "5");

        Settings s = resolve(env, "--period", "6");

        assertThat(s.period()).as("option").isEqualTo(Duration.ofSeconds(6));
        assertThat(s.port()).as("environment").isEqualTo(2002);
        assertThat(s.host()).as("file").isEqualTo("127.0.0.2");
        assertThat(s.waiting()).as("file").isEqualTo(Duration.ofSeconds(4));
        assertThat(s.delay()).as("default").isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void configYmlIsFoundInTheWorkingDirectoryBeforeTheConfigsFolder() throws Exception {
        Files.createDirectories(dir.resolve("configs"));
        Files.writeString(dir.resolve("configs/config.yml"), "port: 3001\n");
        assertThat(resolve(Map.of()).port()).isEqualTo(3001);

        Files.writeString(dir.resolve("config.yml"), "port: 3000\n");
        assertThat(resolve(Map.of()).port()).isEqualTo(3000);
    }

    @Test
    void theClusterComesFromRepeatedPeerOptionsOrACommaSeparatedVariableOrAYamlList() throws Exception {
        assertThat(resolve(Map.of(), "--peer", "127.0.0.1:1", "--peer", "127.0.0.1:2").cluster())
                .containsExactly("127.0.0.1:1", "127.0.0.1:2");
        assertThat(resolve(Map.of("P2P_CLUSTER", "127.0.0.1:3, 127.0.0.1:4,")).cluster())
                .containsExactly("127.0.0.1:3", "127.0.0.1:4");
        Files.writeString(dir.resolve("config.yml"), "cluster:\n  - 127.0.0.1:5\n  - host.lan:6\n");
        assertThat(resolve(Map.of()).cluster()).containsExactly("127.0.0.1:5", "host.lan:6");
        assertThat(resolve(Map.of("P2P_CLUSTER", "")).cluster()).as("empty on purpose").isEmpty();
    }

    @Test
    void secondsMayHaveAFractionAndTheDelayMayBeZero() {
        Settings s = resolve(Map.of(), "--period", "0.25", "--delay", "0");

        assertThat(s.period()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.delay()).isZero();
    }

    @Test
    void theGatheringOfSourcesIsASettingInSecondsThatMayBeZero() throws Exception {
        assertThat(resolve(Map.of()).toConfig(dir, List.of()).gather()).isEqualTo(NodeConfig.builder().gather());
        assertThat(new Defaults().getString("default.gather")).isEqualTo("0.25");
        Files.writeString(dir.resolve("config.yml"), "gather: 2\n");
        assertThat(resolve(Map.of()).toConfig(dir, List.of()).gather()).isEqualTo(Duration.ofSeconds(2));
        assertThat(resolve(Map.of("P2P_GATHER", "0.5")).toConfig(dir, List.of()).gather()).isEqualTo(Duration.ofMillis(500));
        assertThat(resolve(Map.of("P2P_GATHER", "0.5"), "--gather", "0").toConfig(dir, List.of()).gather()).isZero();
        assertThatThrownBy(() -> resolve(Map.of(), "--gather", "-1")).hasMessageStartingWith("--gather: '-1'");
        assertThatThrownBy(() -> resolve(Map.of(), "--gather", "100").toConfig(dir, List.of()))
                .hasMessageContaining("gather");
    }

    @Test
    void theGossipSettingsComeFromOptionsTheEnvironmentOrTheFile() throws Exception {
        NodeConfig.Builder engine = NodeConfig.builder();
        Settings none = resolve(Map.of());
        assertThat(List.of(none.fanout(), none.suspectAfter(), none.removeAfter()))
                .as("the engine's defaults").containsExactly(engine.fanout(), engine.suspectAfter(), engine.removeAfter());
        assertThat(new Defaults().getString("default.fanout")).isEqualTo(String.valueOf(engine.fanout()));
        Files.writeString(dir.resolve("config.yml"), "fanout: 5\nsuspectAfter: 4\nremoveAfter: 6\n");
        Settings s = resolve(Map.of("P2P_SUSPECT_AFTER", "2"), "--remove-after", "7");
        assertThat(List.of(s.fanout(), s.suspectAfter(), s.removeAfter())).containsExactly(5, 2, 7);
        assertThat(s.toConfig(dir, List.of()).removeAfter()).isEqualTo(7);
        assertThatThrownBy(() -> resolve(Map.of(), "--fanout", "0"))
                .hasMessage("--fanout: '0' is out of range (1 to 64)");
        assertThatThrownBy(() -> resolve(Map.of("P2P_REMOVE_AFTER", "soon")))
                .hasMessage("P2P_REMOVE_AFTER: 'soon' is not a whole number");
    }

    @Test
    void everyBadValueIsRefusedWithTheSettingAndItsSourceNamed() throws Exception {
        assertThatThrownBy(() -> resolve(Map.of(), "--port", "65536"))
                .isInstanceOf(UsageError.class).hasMessage("--port: '65536' is out of range (0 to 65535)");
        assertThatThrownBy(() -> resolve(Map.of("P2P_WAITING", "soon")))
                .hasMessage("P2P_WAITING: 'soon' is not a number of seconds");
        assertThatThrownBy(() -> resolve(Map.of(), "--period", "0"))
                .hasMessage("--period: '0' must be more than 0 seconds");
        assertThatThrownBy(() -> resolve(Map.of("P2P_DELAY", "-1")))
                .hasMessage("P2P_DELAY: '-1' must not be negative");
        assertThatThrownBy(() -> resolve(Map.of(), "--peer", "localhost"))
                .hasMessage("--peer: peer 'localhost' has no port (expected host:port)");
        assertThatThrownBy(() -> resolve(Map.of("P2P_CLUSTER", "127.0.0.1:1,127.0.0.1:x")))
                .hasMessage("P2P_CLUSTER: peer '127.0.0.1:x' has a port that is not a number");
        Files.writeString(dir.resolve("config.yml"), "port: 99999\n");
        assertThatThrownBy(() -> resolve(Map.of()))
                .hasMessage("port in " + dir.resolve("config.yml") + ": '99999' is out of range (0 to 65535)");
    }

    @Test
    void rateLimitsComeFromOptionsEnvironmentOrConfigYmlWithBinarySuffixesAndReachTheNode() throws Exception {
        assertThat(resolve(Map.of()).maxUploadRate()).as("default: unlimited").isZero();
        Files.writeString(dir.resolve("config.yml"), "maxUploadRate: 1.5M\nmaxDownloadRate: 500k\n");
        Settings file = resolve(Map.of());
        assertThat(file.maxUploadRate()).isEqualTo(1_572_864);
        assertThat(file.maxDownloadRate()).isEqualTo(512_000);

        Settings s = resolve(Map.of("P2P_MAX_UPLOAD_RATE", "20MiB/s", "P2P_MAX_DOWNLOAD_RATE", "1G"),
                "--max-download-rate", "0");
        assertThat(s.maxUploadRate()).as("environment").isEqualTo(20L << 20);
        assertThat(s.maxDownloadRate()).as("option: 0 is unlimited").isZero();

        Files.createDirectories(dir.resolve("shared"));
        assertThat(resolve(Map.of(), "--max-upload-rate", "64k").headless().maxUploadRate()).isEqualTo(65_536);
    }

    @Test
    void aBadRateIsRefusedWithTheSettingAndItsSourceNamed() throws Exception {
        assertThatThrownBy(() -> resolve(Map.of(), "--max-upload-rate", "fast")).isInstanceOf(UsageError.class)
                .hasMessage("--max-upload-rate: 'fast' is not a rate in bytes per second (a number with an optional"
                        + " k, M or G: 500k, 1.5M, 20M; 0 for unlimited)");
        assertThatThrownBy(() -> resolve(Map.of("P2P_MAX_DOWNLOAD_RATE", "-5M")))
                .hasMessageStartingWith("P2P_MAX_DOWNLOAD_RATE: '-5M' is not a rate");
        assertThatThrownBy(() -> resolve(Map.of(), "--max-download-rate", "2048G"))
                .hasMessage("--max-download-rate: '2048G' is more than 1 TiB per second");
        assertThatThrownBy(() -> resolve(Map.of(), "--max-upload-rate", "0.5"))
                .hasMessage("--max-upload-rate: '0.5' is less than 1 byte per second (0 means unlimited)");
        Files.writeString(dir.resolve("config.yml"), "maxUploadRate: 10X\n");
        assertThatThrownBy(() -> resolve(Map.of()))
                .hasMessageStartingWith("maxUploadRate in " + dir.resolve("config.yml") + ": '10X' is not a rate");
    }

    @Test
    void aConfigFileWithAnUnknownKeyOrBrokenYamlIsRefusedByName() throws Exception {
        Files.writeString(dir.resolve("config.yml"), "prot: 1378\n");
        assertThatThrownBy(() -> resolve(Map.of())).isInstanceOf(UsageError.class)
                .hasMessageContaining("unknown setting 'prot'");

        Files.writeString(dir.resolve("config.yml"), "port: [1378\n");
        assertThatThrownBy(() -> resolve(Map.of())).hasMessageContaining("config.yml: not valid YAML");

        assertThatThrownBy(() -> resolve(Map.of(), "--config", "missing.yml"))
                .hasMessage("--config: 'missing.yml' is not a readable file");
    }

    @Test
    void headlessModesDefaultToTheSharedFolderAndRequireItToExist() throws Exception {
        assertThatThrownBy(() -> resolve(Map.of()).headless())
                .hasMessageContaining("folder: '" + dir.resolve("shared") + "' is not an existing directory");

        Files.createDirectories(dir.resolve("shared"));
        assertThat(resolve(Map.of()).headless().folder()).isEqualTo(dir.resolve("shared"));
        assertThat(resolve(Map.of()).headless().cluster()).isEqualTo(List.of());
    }

    @Test
    void secureModeComesFromTheOptionTheEnvironmentOrConfigYmlWithTheIdentityBesideTheConfig() throws Exception {
        Files.createDirectories(dir.resolve("shared"));
        Files.createDirectories(dir.resolve("configs"));
        p2pnio.SecureCluster.keygen(dir.resolve("keys/a.secret"), false);
        p2pnio.SecureCluster.keygen(dir.resolve("keys/b.secret"), false);
        assertThat(resolve(Map.of()).headless().secure()).as("no secret: the plain protocol").isFalse();

        Files.writeString(dir.resolve("configs/config.yml"), "folder: shared\nsecret: keys/a.secret\n");
        NodeConfig fromFile = resolve(Map.of()).headless();
        assertThat(fromFile.secret()).isEqualTo(dir.resolve("keys/a.secret"));
        assertThat(fromFile.identity()).isEqualTo(dir.resolve("configs/p2p-identity.pem"));

        NodeConfig fromEnv = resolve(Map.of("P2P_SECRET_FILE", "keys/b.secret", "P2P_IDENTITY_FILE", "me.pem")).headless();
        assertThat(fromEnv.secret()).isEqualTo(dir.resolve("keys/b.secret"));
        assertThat(fromEnv.identity()).isEqualTo(dir.resolve("me.pem"));

        assertThat(resolve(Map.of("P2P_SECRET_FILE", "keys/b.secret"), "--secret", "keys/a.secret").headless().secret())
                .isEqualTo(dir.resolve("keys/a.secret"));
    }

    @Test
    void aMissingSecretOrAnIdentityWithoutOneIsAUsageErrorNamingItsSource() {
        assertThatThrownBy(() -> resolve(Map.of(), "--secret", "nowhere.secret"))
                .hasMessageStartingWith("--secret: ").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> resolve(Map.of("P2P_IDENTITY_FILE", "me.pem")))
                .hasMessageStartingWith("P2P_IDENTITY_FILE: ").hasMessageContaining("--secret");
    }
}
