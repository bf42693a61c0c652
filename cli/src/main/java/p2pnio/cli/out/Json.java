package p2pnio.cli.out;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Map;
import p2pnio.NodeEvent;
import p2pnio.PeerAddress;
import p2pnio.Visible;

/**
 * The node's events as JSON, one object per line, for scripts and log collectors
 * ({@code serve --json}, {@code get --json}). docs/json.md documents every object.
 *
 * <p>Each object starts with {@code "event"}, the engine's name for the event
 * ({@code "DownloadStarted"}), and {@code "time"}, when it was written (ISO-8601, UTC,
 * milliseconds); then come the event's own fields, under the names and in the order of the
 * {@link NodeEvent} record. Strings, numbers and booleans are written as such, a missing value as
 * {@code null}, a socket address as {@code "host:port"}, a path as text, a failure's cause as its
 * text, a list as an array and a nested record or a map as an object.
 *
 * <p>Strings keep the engine's exact text, a peer's control characters included, and JSON escapes
 * them ({@code \u001b}); so do all the characters {@link Visible#isControl} names (DEL, C1, the
 * bidirectional overrides, U+2028/2029, which JSON itself would let through raw). A line of this
 * output therefore never holds a control character, and a terminal shows it as it is.
 */
public final class Json {

    private final JsonFactory factory = new JsonFactoryBuilder().characterEscapes(new ControlEscapes()).build();
    private final Clock clock;

    /** Events stamped with the system clock. */
    public Json() {
        this(Clock.systemUTC());
    }

    /** Events stamped with {@code clock}. */
    public Json(Clock clock) {
        this.clock = clock;
    }

    /** True for events that answer a query of the shell rather than tell what happened; not written. */
    public static boolean isAnswer(NodeEvent event) {
        return event instanceof NodeEvent.PeersReport || event instanceof NodeEvent.TransfersReport
                || event instanceof NodeEvent.FilesReport || event instanceof NodeEvent.BrowseReport;
    }

    /** One event as one line of JSON, without the line break. */
    public String line(NodeEvent event) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = factory.createGenerator(text)) {
            g.writeStartObject();
            g.writeStringField("event", event.getClass().getSimpleName());
            g.writeStringField("time", Instant.now(clock).truncatedTo(ChronoUnit.MILLIS).toString());
            fields((Record) event, g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    private static void fields(Record record, JsonGenerator g) throws IOException {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            g.writeFieldName(c.getName());
            value(read(c, record), g);
        }
    }

    private static Object read(RecordComponent c, Record record) {
        try {
            return c.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + record.getClass().getSimpleName() + "." + c.getName(), e);
        }
    }

    private static void value(Object v, JsonGenerator g) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Number n) {
            g.writeNumber(n.doubleValue());
        } else if (v instanceof InetSocketAddress a) {
            g.writeString(PeerAddress.of(a));
        } else if (v instanceof Throwable t) {
            g.writeString(t.toString());
        } else if (v instanceof Record r) {
            g.writeStartObject();
            fields(r, g);
            g.writeEndObject();
        } else if (v instanceof Collection<?> list) {
            g.writeStartArray();
            for (Object item : list) {
                value(item, g);
            }
            g.writeEndArray();
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                value(e.getValue(), g);
            }
            g.writeEndObject();
        } else {
            g.writeString(v.toString()); // a Path, an enum: their text
        }
    }

    /** JSON's own escapes, plus {@code \\uXXXX} for every control character JSON lets through. */
    private static final class ControlEscapes extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();

        ControlEscapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return Visible.isControl(ch) ? new SerializedString(String.format("\\u%04X", ch)) : null;
        }
    }
}
