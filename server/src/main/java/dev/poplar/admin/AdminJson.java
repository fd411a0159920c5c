package dev.poplar.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/**
 * The admin API's JSON, both ways: records in snake_case ({@code nextUid} is {@code next_uid}).
 * A request is read strictly, with an error that says what to fix: not JSON (and where), not an
 * object, a field the request does not take (a typo is never silently ignored), or a required
 * string missing or of another type. A response is read leniently, so an older CLI still reads a
 * newer server's answers.
 */
public final class AdminJson {
    private static final ObjectMapper STRICT =
            new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    private static final ObjectMapper LENIENT = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private AdminJson() {}

    public static byte[] write(Object body) {
        try {
            return STRICT.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + body.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The JSON name of each of a record's components, in order. */
    static List<String> fields(Class<?> record) {
        return Arrays.stream(record.getRecordComponents())
                .map(c -> snake(c.getName()))
                .toList();
    }

    private static String snake(String name) {
        return PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(name);
    }

    /** A request body as {@code type}, or the 400 that says what is wrong with it. */
    public static <T> T readRequest(byte[] body, Class<T> type) throws AdminException {
        String takes = String.join(", ", fields(type));
        JsonNode tree;
        try {
            tree = body.length == 0 ? null : STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson's own message quotes the source and its internals: say only what and where.
            var at = e.getLocation();
            throw AdminApi.invalid("the body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + "; send a JSON object such as {\"name\":\"alice\"}");
        } catch (IOException e) {
            throw AdminApi.invalid("cannot read the request body: " + e.getMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw AdminApi.invalid("the body must be a JSON object with " + takes);
        }
        List<String> known = fields(type);
        for (var it = tree.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw AdminApi.invalid("unknown field '" + f + "'; this request takes " + takes);
            }
        }
        for (RecordComponent c : type.getRecordComponents()) {
            if (c.getType() == String.class && !tree.path(snake(c.getName())).isTextual()) {
                throw AdminApi.invalid("field '" + snake(c.getName()) + "' (a string) is required");
            }
        }
        try {
            return STRICT.treeToValue(tree, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw AdminApi.invalid("the body does not fit this request, which takes " + takes);
        }
    }

    /** A response body as {@code type}. */
    public static <T> T readResponse(byte[] body, Class<T> type) throws IOException {
        return LENIENT.readValue(body.length == 0 ? "{}".getBytes() : body, type);
    }

    /** The {@code error} text of an error response, if it has one. */
    static String error(byte[] body) {
        try {
            JsonNode n = LENIENT.readTree(body);
            return n != null && n.hasNonNull("error") ? n.get("error").asText() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
