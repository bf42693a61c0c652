package p2pnio.core;

import java.util.List;

/**
 * One file that peers share, as a browse found it: its name, size and SHA-256 (null when the
 * peers had not hashed it yet), and the peers that hold that content. The parts hand it to the
 * node's wiring, which turns it into the public {@code NodeEvent.SharedFile}.
 */
public record SharedEntry(String name, long size, String sha256, List<String> peers) {
    public SharedEntry {
        peers = List.copyOf(peers);
    }
}
