/**
 * The p2p-nio command line: {@code serve}, {@code get} and the interactive shell (p2p.jar).
 *
 * <p>It uses the engine's public API ({@code p2pnio}) only: reaching into the engine's own
 * packages is a compile error. picocli reads the command classes by reflection, so their
 * packages are open to it. The shaded p2p.jar runs on the class path (its dependencies' module
 * descriptors are left out when they are merged into one jar), where this descriptor is not
 * consulted; it serves the build, which compiles the command line as this module.
 */
@SuppressWarnings("requires-automatic") // JLine 3 names its module in its manifest only
module p2pnio.cli {
    requires p2pnio.engine;
    requires info.picocli;
    requires org.jline;
    requires org.yaml.snakeyaml;

    opens p2pnio.cli to info.picocli;
    opens p2pnio.cli.shell to info.picocli;
}
