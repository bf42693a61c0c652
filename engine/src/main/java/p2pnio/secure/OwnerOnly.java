package p2pnio.secure;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Files only their owner may read: the cluster secret and the node's identity. Created with mode
 * {@code 0600} from the first byte (never created readable and narrowed afterwards), their folder,
 * when we create it, with {@code 0700}; read only when group and others have no permission at all,
 * as {@code ssh} refuses an unprotected private key. On a file system without POSIX permissions
 * (Windows) the checks are skipped.
 */
final class OwnerOnly {

    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly() {
    }

    /**
     * Why {@code file} may not be read as a secret, or null if it may: it is missing, no regular
     * file (a link is followed, as {@code ssh} does, and judged by what it points at), or group or
     * others have a permission on it.
     */
    static String whyNot(Path file) {
        if (!Files.exists(file)) {
            return "does not exist";
        }
        if (!Files.isRegularFile(file)) {
            return "is not a regular file";
        }
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return null;
        }
        Set<PosixFilePermission> perms;
        try {
            perms = view.readAttributes().permissions();
        } catch (IOException e) {
            return "cannot be inspected: " + e.getMessage();
        }
        for (PosixFilePermission p : perms) {
            if (!p.name().startsWith("OWNER_")) {
                return "is accessible to others (mode " + PosixFilePermissions.toString(perms)
                        + "): it must be readable by its owner only; run chmod 600 " + file;
            }
        }
        if (!Files.isReadable(file)) {
            return "is not readable by this user";
        }
        return null;
    }

    /**
     * Writes {@code content} to {@code target}, mode 0600, and returns true; or returns false,
     * leaving the file as it is, if {@code target} exists and {@code replace} is false. The bytes go
     * to a new file beside it first (created 0600, forced to disk), which then takes the final name
     * in one step: {@code Files.createLink}, which fails if the name exists (so two processes
     * creating the same file at once cannot mix their bytes), or a rename when replacing. A reader
     * never sees a half-written file. The folder is created (0700) if missing.
     */
    static boolean write(Path target, byte[] content, boolean replace) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, posix(dir, FOLDER));
        }
        if (!replace && Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        byte[] id = new byte[6];
        new SecureRandom().nextBytes(id);
        Path tmp = dir.resolve("." + target.getFileName() + "." + HexFormat.of().formatHex(id) + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    posix(dir, FILE))) {
                out.write(java.nio.ByteBuffer.wrap(content));
                out.force(true);
            }
            if (replace) {
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return true;
            }
            try {
                Files.createLink(target, tmp);
            } catch (FileAlreadyExistsException e) {
                return false; // another process made it first: theirs stands
            } catch (UnsupportedOperationException e) {
                // no hard links here: a rename that refuses an existing name (not atomic against a racing writer)
                Files.move(tmp, target);
            }
            return true;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The POSIX permissions as a creation attribute, or none where {@code dir}'s file system has no such thing. */
    private static FileAttribute<?>[] posix(Path dir, Set<PosixFilePermission> perms) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)}
                : new FileAttribute<?>[0];
    }
}
