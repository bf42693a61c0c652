package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Text from the network is shown with its control characters made visible, and only those. */
class VisibleTest {

    @Test
    void theTerminalAttackOfIssue10IsShownAsPlainEscapes() {
        assertThat(Visible.text("\u001b]0;PWNED\u0007\u001b[2J\u001b[31m../../etc/evil"))
                .isEqualTo("\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31m../../etc/evil");
    }

    @Test
    void everyC0AndC1CharacterAndDelIsEscapedAsTwoHexDigits() {
        for (int c = 0; c < 0x20; c++) {
            assertThat(Visible.text(String.valueOf((char) c))).isEqualTo(String.format("\\x%02x", c));
        }
        for (int c = 0x7f; c <= 0x9f; c++) {
            assertThat(Visible.text(String.valueOf((char) c))).isEqualTo(String.format("\\x%02x", c));
        }
        assertThat(Visible.text("a\tb\r\nc")).isEqualTo("a\\x09b\\x0d\\x0ac");
    }

    @Test
    void bidiOverridesAndLineSeparatorsAreEscapedSoANameCannotReadBackwards() {
        assertThat(Visible.text("invoice\u202Efdp.exe")).isEqualTo("invoice\\u202efdp.exe");
        assertThat(Visible.text("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069\u2028\u2029"))
                .isEqualTo("\\u061c\\u200e\\u200f\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069\\u2028\\u2029");
    }

    @Test
    void printableTextOfAnyScriptIsKeptAsItIsAndNotCopied() {
        String s = "résumé 日本語 файл 🙂 ~!@#$%^&*()_+{}|:\"<>? \\x1b";
        assertThat(Visible.text(s)).isSameAs(s);
        assertThat(Visible.text("")).isEmpty();
    }

    @Test
    void escapingIsIdempotentSoTextMayPassTheDoorTwice() {
        String once = Visible.text("\u001b[2J\u0085\u2028");
        assertThat(Visible.text(once)).isEqualTo(once);
    }
}
