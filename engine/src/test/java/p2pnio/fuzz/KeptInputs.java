package p2pnio.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Kept fuzz inputs named for a branch must reach it. Jazzer's {@code FuzzedDataProvider} takes
 * integers from the <em>end</em> of an input and bytes and strings from its start, so an input
 * written by hand easily decodes to something other than what its name says, and its replay then
 * proves nothing. Each fuzz target says what one execution reached ({@link #reached}); a method
 * annotated {@link Reaches} names kept inputs and what each must reach, and this extension checks
 * it around the replay of that input (Jazzer names each replayed input by its file name). An
 * expectation whose input was never replayed fails the class, so renaming or losing the file is
 * caught too.
 */
final class KeptInputs implements InvocationInterceptor, AfterAllCallback {

    /** A kept input of this fuzz target and what its replay must reach, as {@link #reached} says it. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Repeatable(ReachesAll.class)
    @interface Reaches {
        /** The input's file name under {@code <Class>Inputs/<method>/}. */
        String input();

        /** What the target reports for it. */
        String branch();
    }

    /** The container of repeated {@link Reaches}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface ReachesAll {
        Reaches[] value();
    }

    private static volatile Supplier<String> last;
    private final Set<String> checked = new HashSet<>();
    private final Set<String> expected = new HashSet<>();

    /**
     * Called by a fuzz target with what this execution reached; the description is built only
     * when a kept input's replay is checked, so fuzzing pays one write per execution.
     */
    static void reached(Supplier<String> description) {
        last = description;
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
        last = null;
        invocation.proceed();
        Method method = invocationContext.getExecutable();
        Reaches[] all = method.getAnnotationsByType(Reaches.class);
        Arrays.stream(all).forEach(r -> expected.add(method.getName() + "/" + r.input()));
        String input = extensionContext.getDisplayName();
        for (Reaches r : all) {
            if (r.input().equals(input)) {
                Supplier<String> what = last;
                assertThat(what).as("kept input %s reported nothing", input).isNotNull();
                assertThat(what.get()).as("what kept input '%s' of %s reaches", input, method.getName())
                        .isEqualTo(r.branch());
                checked.add(method.getName() + "/" + input);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (System.getenv("JAZZER_FUZZ") == null) {
            assertThat(checked).as("kept inputs named by @Reaches that were replayed").containsAll(expected);
        }
    }
}
