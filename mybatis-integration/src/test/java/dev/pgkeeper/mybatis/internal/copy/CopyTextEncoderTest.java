package dev.pgkeeper.mybatis.internal.copy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgkeeper.DatabaseError;
import dev.pgkeeper.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * {@link CopyTextEncoder} without a server: the bytes it sends are COPY's escaping of the text in UTF-8, in
 * chunks of at most 64 KiB, wherever the chunks fall inside a character. {@code CopyInProperties} checks the
 * same against PostgreSQL.
 */
class CopyTextEncoderTest {

    /** What the sink received, and the size of each chunk. */
    private static final class Received {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> chunks = new ArrayList<>();

        CopyTextEncoder encoder(int columns) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < columns; i++) {
                names.add("c" + i);
            }
            return new CopyTextEncoder(names, (b, length) -> {
                bytes.write(b, 0, length);
                chunks.add(length);
            }, message -> new DatabaseError(ErrorCode.DATA_ERROR, message));
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    @Property(tries = 1000)
    @Label("a row of text is sent as COPY's escaping of it, in UTF-8")
    void textIsEscapedAndEncoded(@ForAll("texts") String a, @ForAll("texts") String b) {
        Received received = new Received();
        CopyTextEncoder encoder = received.encoder(2);

        encoder.startRow();
        encoder.value(a).value(b);
        encoder.endRow();
        encoder.finish();

        assertThat(received.bytes.toByteArray())
                .isEqualTo((escaped(a) + "\t" + escaped(b) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void charactersAcrossChunkBoundariesArriveWholeAndChunksStayWithin64KiB() {
        // 3-byte characters fill a chunk up to its last bytes, then a 4-byte one (a surrogate pair) straddles the
        // boundary; the first column shifts it through every offset.
        for (int prefix = 0; prefix < 8; prefix++) {
            for (int threes = CopyTextEncoder.CHUNK / 3 - 4; threes < CopyTextEncoder.CHUNK / 3 + 4; threes++) {
                String first = "x".repeat(prefix);
                String text = "€".repeat(threes) + "🦆\t\\" + "é".repeat(threes);
                Received received = new Received();
                CopyTextEncoder encoder = received.encoder(2);

                encoder.startRow();
                encoder.value(first).value(text);
                encoder.endRow();
                encoder.finish();

                assertThat(received.text()).as("prefix %d, %d €", prefix, threes)
                        .isEqualTo(first + "\t" + escaped(text) + "\n");
                assertThat(received.chunks).allSatisfy(size -> assertThat(size).isBetween(1, CopyTextEncoder.CHUNK));
            }
        }
    }

    @Test
    void bytesAcrossChunkBoundariesArriveWhole() {
        byte[] bytes = new byte[CopyTextEncoder.CHUNK + 7];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        Received received = new Received();
        CopyTextEncoder encoder = received.encoder(2);

        encoder.startRow();
        encoder.value("x").value(bytes);
        encoder.endRow();
        encoder.finish();

        StringBuilder hex = new StringBuilder("x\t\\\\x");
        for (byte b : bytes) {
            hex.append(String.format("%02x", b & 0xFF));
        }
        assertThat(received.text()).isEqualTo(hex + "\n");
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("\t\n\r\\N.,\"' aé€").ofMaxLength(20),
                Arbitraries.strings().all().ofMaxLength(20)
                        .filter(s -> s.indexOf('\0') < 0 && s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF)));
    }

    /** COPY's text format, the simple way. */
    private static String escaped(String text) {
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}
