package p2pnio.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @CsvSource({
        "a.txt, a.txt",
        "../../etc/passwd, passwd",
        "/etc/passwd, passwd",
        "..\\..\\x, x",
        "dir/sub/f.bin, f.bin",
        "dir/, ''",
    })
    void baseNameDropsEveryDirectoryPart(String name, String base) {
        assertThat(Names.baseName(name)).isEqualTo(base);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a\u0000b", "a\nb"})
    void unservableBaseNames(String base) {
        assertThat(Names.whyNotServable(base)).isNotNull();
    }

    @Test
    void tooLongNamesAreRefused() {
        assertThat(Names.whyNotServable("x".repeat(256))).contains("longer");
        assertThat(Names.whyNotServable("x".repeat(255))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a,b", "ends-with:", "dir/a", "a\\b", "padded ", "tab\t", "downloading_x", "..", ""})
    void namesThatCannotTravelAreNotRequested(String name) {
        assertThat(Names.whyNotRequestable(name)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.txt", "movie 2024.mkv", "ünï:code.txt", "x", " leading space.txt", "  two"})
    void ordinaryNamesCanBeRequested(String name) {
        assertThat(Names.whyNotRequestable(name)).isNull();
    }
}
