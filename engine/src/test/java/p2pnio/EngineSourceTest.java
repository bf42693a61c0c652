package p2pnio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rules of the house that the compiler does not check, checked on the engine's own source. */
class EngineSourceTest {

    static final Path MAIN = Path.of("src", "main", "java");

    /** Every .java file of engine/src/main, with its text. */
    static List<Path> sources() throws IOException {
        try (Stream<Path> all = Files.walk(MAIN)) {
            return all.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** A catch block that holds nothing but comments and white space. */
    private static final Pattern EMPTY_CATCH =
            Pattern.compile("catch\\s*\\(([^)]*)\\)\\s*\\{(\\s*//[^\\n]*)*\\s*}");

    @Test
    void noExceptionIsSwallowedByAnEmptyCatchBlock() throws IOException {
        List<String> empty = new ArrayList<>();
        for (Path p : sources()) {
            String text = Files.readString(p);
            Matcher m = EMPTY_CATCH.matcher(text);
            while (m.find()) {
                int line = 1 + (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count();
                empty.add(MAIN.relativize(p) + ":" + line + " catch (" + m.group(1) + ")");
            }
        }
        assertThat(empty).as("empty catch blocks: count, trace or report what they catch (Context.quiet)").isEmpty();
    }

    @Test
    void nothingInTheEngineSleeps() throws IOException {
        List<String> sleeping = new ArrayList<>();
        for (Path p : sources()) {
            if (Files.readString(p).contains("Thread.sleep(")) {
                sleeping.add(MAIN.relativize(p).toString());
            }
        }
        assertThat(sleeping).as("Thread.sleep in engine/src/main: use a timer on the loop").isEmpty();
    }
}
