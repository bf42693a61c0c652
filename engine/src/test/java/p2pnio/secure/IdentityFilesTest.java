package p2pnio.secure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityFilesTest {

    @TempDir
    Path dir;

    @Test
    void keygenWritesAnOwnerOnlySecretThatReadsBack() throws IOException {
        Path f = dir.resolve("keys/cluster.secret");
        assertThat(ClusterSecret.create(f, false)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent()))).isEqualTo("rwx------");
        assertThat(Files.readString(f)).matches("[0-9a-f]{64}\n");
        assertThat(ClusterSecret.read(f).toString()).startsWith("ClusterSecret[key id ").doesNotContain(Files.readString(f).strip());
        String before = Files.readString(f);
        assertThat(ClusterSecret.create(f, false)).as("never overwritten unasked").isFalse();
        assertThat(Files.readString(f)).isEqualTo(before);
        assertThat(ClusterSecret.create(f, true)).isTrue();
        assertThat(Files.readString(f)).isNotEqualTo(before);
    }

    @Test
    void twoSecretFilesWithTheSameBytesHaveTheSameKeyId() throws IOException {
        Path f = dir.resolve("s");
        ClusterSecret.create(f, false);
        Path raw = dir.resolve("raw");
        Files.write(raw, java.util.HexFormat.of().parseHex(Files.readString(f).strip()));
        Files.setPosixFilePermissions(raw, PosixFilePermissions.fromString("rw-------"));
        assertThat(ClusterSecret.read(raw).keyId()).isEqualTo(ClusterSecret.read(f).keyId());
    }

    @Test
    void aSecretReadableByOthersOrMalformedIsRefusedNamingTheFile() throws IOException {
        Path f = dir.resolve("s");
        ClusterSecret.create(f, false);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> ClusterSecret.read(f)).hasMessageContaining(f.toString()).hasMessageContaining("chmod 600");
        Path bad = dir.resolve("bad");
        Files.writeString(bad, "not a secret\n");
        Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> ClusterSecret.read(bad)).hasMessageContaining("64 hex digits").hasMessageContaining("keygen");
        assertThatThrownBy(() -> ClusterSecret.read(dir.resolve("none"))).hasMessageContaining("does not exist");
    }

    @Test
    void theIdentityIsMadeOnFirstStartOwnerOnlyAndKeptAfter() throws IOException {
        Path f = dir.resolve("conf/identity.pem");
        NodeIdentity made = NodeIdentity.loadOrCreate(f);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(Files.readString(f)).contains("-----BEGIN PRIVATE KEY-----", "-----BEGIN CERTIFICATE-----");
        NodeIdentity again = NodeIdentity.loadOrCreate(f);
        assertThat(again.fingerprint()).isEqualTo(made.fingerprint());
        assertThat(made.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=p2p-nio");
        assertThat(made.fingerprint().matches(again.certificate())).isTrue();
        assertThat(Fingerprint.parse(made.fingerprint().hex().toUpperCase().replaceAll("(..)(?!$)", "$1:")))
                .isEqualTo(made.fingerprint());
    }

    @Test
    void anIdentityWhoseKeyIsAnothersIsRefused() throws IOException {
        Path one = dir.resolve("one.pem");
        Path two = dir.resolve("two.pem");
        NodeIdentity.loadOrCreate(one);
        NodeIdentity.loadOrCreate(two);
        String key = Files.readString(one).split("-----BEGIN CERTIFICATE-----")[0];
        String cert = "-----BEGIN CERTIFICATE-----" + Files.readString(two).split("-----BEGIN CERTIFICATE-----")[1];
        Path mixed = dir.resolve("mixed.pem");
        Files.writeString(mixed, key + cert);
        Files.setPosixFilePermissions(mixed, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> NodeIdentity.load(mixed)).hasMessageContaining("does not belong");
    }
}
