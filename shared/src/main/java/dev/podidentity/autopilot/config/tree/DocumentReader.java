package dev.podidentity.autopilot.config.tree;


import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Locale;

/** Reads a config file's bytes into a {@link Node} tree, choosing JSON or YAML. */
public final class DocumentReader {
    private DocumentReader() {
    }

    public static Node read(byte[] bytes, String fileName, ReadLimits limits) {
        if (bytes.length > limits.maxBytes()) {
            throw new SyntaxProblem(Position.START, String.format(
                    "the file is %,d bytes; the limit is %,d bytes", bytes.length, limits.maxBytes()));
        }
        String text = decodeUtf8(bytes);
        if (text.isBlank()) {
            throw new SyntaxProblem(Position.START, "the file is empty; expected an eksctl ClusterConfig");
        }
        if (fileName != null && fileName.toLowerCase(Locale.ROOT).endsWith(".json")) {
            return JsonTreeReader.read(text, limits);
        }
        if (text.stripLeading().startsWith("{")) {
            try {
                return JsonTreeReader.read(text, limits);
            } catch (SyntaxProblem notStrictJson) {
                // YAML's flow style is a superset of JSON: let the YAML reader judge and report it.
            }
        }
        return YamlTreeReader.read(text, limits);
    }

    private static String decodeUtf8(byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return s.startsWith("\uFEFF") ? s.substring(1) : s;
        } catch (CharacterCodingException e) {
            throw new SyntaxProblem(Position.START, "the file is not valid UTF-8 text");
        }
    }
}
