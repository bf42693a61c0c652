package p2pnio.secure;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The few DER encodings (ITU-T X.690) an X.509 certificate needs: enough to write one, nothing to
 * read one (the JDK's {@code CertificateFactory} reads). Each method returns one complete TLV
 * (tag, length, value).
 *
 * <p>Why not the JDK's own: {@code sun.security.x509} writes certificates but is not exported
 * from {@code java.base}, and the engine depends on the JDK's public API only.
 */
final class Der {

    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {
    }

    /** {@code SEQUENCE { parts }}. */
    static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    /** {@code SET { parts }} (callers give a single element, so no sorting is needed). */
    static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    /** {@code INTEGER}: two's complement, shortest form. */
    static byte[] integer(BigInteger value) {
        return tlv(0x02, value.toByteArray());
    }

    /** {@code BOOLEAN}. */
    static byte[] bool(boolean value) {
        return tlv(0x01, new byte[] {value ? (byte) 0xff : 0});
    }

    /** {@code BIT STRING} of whole bytes (no unused bits). */
    static byte[] bitString(byte[] bytes) {
        byte[] value = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, value, 1, bytes.length);
        return tlv(0x03, value);
    }

    /** {@code BIT STRING} of named bits, as KeyUsage writes them: bit 0 is the first byte's top bit; trailing zero bits dropped. */
    static byte[] namedBits(int... bits) {
        int highest = 0;
        for (int b : bits) {
            highest = Math.max(highest, b);
        }
        byte[] value = new byte[1 + highest / 8 + 1];
        for (int b : bits) {
            value[1 + b / 8] |= (byte) (0x80 >>> (b % 8));
        }
        value[0] = (byte) (7 - highest % 8); // unused bits in the last byte
        return tlv(0x03, value);
    }

    /** {@code OCTET STRING}. */
    static byte[] octetString(byte[] bytes) {
        return tlv(0x04, bytes);
    }

    /** {@code UTF8String}. */
    static byte[] utf8(String text) {
        return tlv(0x0c, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * {@code OBJECT IDENTIFIER} from its dotted form ({@code 1.2.840.10045.4.3.2}): the first two
     * arcs in one byte (40 x + y), each further arc in base 128, high bit set on all but its last byte.
     */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        base128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            base128(out, Long.parseLong(arcs[i]));
        }
        return tlv(0x06, out.toByteArray());
    }

    /**
     * A certificate's time as RFC 5280 4.1.2.5 says: {@code UTCTime} for the years 1950 to 2049,
     * {@code GeneralizedTime} from 2050 on, always in UTC and to the second.
     */
    static byte[] time(ZonedDateTime t) {
        ZonedDateTime utc = t.withZoneSameInstant(ZoneOffset.UTC);
        if (utc.getYear() < 2050) {
            return tlv(0x17, UTC_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
        }
        return tlv(0x18, GENERALIZED_TIME.format(utc).getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code [n] EXPLICIT}: the context-specific constructed tag {@code n} around one encoding. */
    static byte[] explicit(int n, byte[] inner) {
        return tlv(0xa0 | n, inner);
    }

    /** Tag, length (short form below 128, else long form), value. */
    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static void base128(ByteArrayOutputStream out, long arc) {
        int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(arc) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int b = (int) ((arc >>> (7 * i)) & 0x7f);
            out.write(i == 0 ? b : b | 0x80);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
