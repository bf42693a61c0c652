package p2pnio.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import p2pnio.SecureCluster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code p2p keygen [FILE]}: writes a new cluster secret, owner-only, for secure mode. Every member
 * of the cluster is started with a copy of that file ({@code --secret FILE}); it never overwrites
 * an existing secret unless told to ({@code --force}), since that would lock this node out of its
 * cluster.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Write a new cluster secret (32 random bytes, a file only its owner may read) for secure mode.",
                "Copy it to every member (scp, a USB stick: never over the cluster itself) and start each with --secret FILE."})
public final class KeygenCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "Where to write it (default: cluster.secret in the working directory).")
    Path file;

    @Option(names = "--force", description = "Replace an existing secret (members holding the old one can no longer talk to this node).")
    boolean force;

    @ParentCommand
    Main parent;

    @Override
    public Integer call() throws IOException {
        Path target = parent.launch().workDir().resolve(file == null ? Path.of("cluster.secret") : file).normalize();
        PrintStream out = parent.launch().out();
        if (!SecureCluster.keygen(target, force)) {
            parent.launch().err().println("p2p: " + target + " exists: not replaced (give --force to replace it;"
                    + " members holding the old secret could then no longer talk to this node)");
            return 1;
        }
        out.println("wrote a new cluster secret to " + target + " (mode 600)");
        out.println("start every member with: --secret " + target + "  (or P2P_SECRET_FILE, or secret: in config.yml)");
        out.flush();
        return 0;
    }
}
