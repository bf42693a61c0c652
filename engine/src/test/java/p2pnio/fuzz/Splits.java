package p2pnio.fuzz;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Ways of cutting one input into the reads a socket might deliver. */
final class Splits {

    private Splits() {
    }

    /** The input cut at the given offsets (sorted, each within the input), as separate buffers. */
    static List<ByteBuffer> cut(byte[] input, int... offsets) {
        List<ByteBuffer> out = new ArrayList<>();
        int from = 0;
        for (int at : offsets) {
            out.add(ByteBuffer.wrap(input, from, at - from).slice());
            from = at;
        }
        out.add(ByteBuffer.wrap(input, from, input.length - from).slice());
        return out;
    }

    /** Every way of cutting at one point, byte by byte, and {@code randomCuts} random multi-cuts. */
    static List<List<ByteBuffer>> many(byte[] input, Random random, int randomCuts) {
        List<List<ByteBuffer>> all = new ArrayList<>();
        all.add(cut(input));
        for (int at = 0; at <= input.length; at++) {
            all.add(cut(input, at));
        }
        int[] each = new int[Math.max(0, input.length - 1)];
        for (int i = 0; i < each.length; i++) {
            each[i] = i + 1;
        }
        all.add(cut(input, each));
        for (int r = 0; r < randomCuts; r++) {
            all.add(cut(input, random.ints(random.nextInt(6), 0, input.length + 1).sorted().toArray()));
        }
        return all;
    }
}
