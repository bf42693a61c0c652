package p2pnio.cli.shell;

import java.util.List;

/** Where the shell writes: a JLine terminal (above the prompt) or plain standard output. */
public interface Output {

    /** Prints one line without breaking what the user is typing. */
    void print(String line);

    /** Shows the live progress lines (an empty list hides them); a plain output ignores them. */
    void progress(List<String> lines);
}
