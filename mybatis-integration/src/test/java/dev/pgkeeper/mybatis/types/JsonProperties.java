package dev.pgkeeper.mybatis.types;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.sql.SQLException;
import java.util.Comparator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * JSON through a mapper built with {@code postgresTypes().jsonTypes(new JacksonCodec(), Address.class)}: JSON text
 * in a String property ({@code #{value,jdbcType=OTHER}}) into {@code json} (kept as written) and {@code jsonb}
 * (normalized by the server, so compared as JSON), and an application type through the codec. The JSON holds
 * the characters JSON and SQL quote or escape, other scripts and emoji.
 */
class JsonProperties {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Numbers compare by value: jsonb prints 1E+3 as 1000. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) ->
            a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

    private static TypesDatabase db;

    @BeforeContainer
    static void start() throws SQLException {
        db = TypesDatabase.start("JsonProperties");
    }

    @AfterContainer
    static void stop() {
        db.close();
    }

    @Property(tries = 100)
    @Label("JSON text in a String is stored in a json column as written, and read back equal")
    void jsonTextRoundTripsExactly(@ForAll("jsonTexts") String json) {
        assertThat(db.roundTrip(v -> v.jsonText = json).jsonText).isEqualTo(json);
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("JSON text in a String is stored in a jsonb column and read back as the same JSON")
    void jsonbTextRoundTripsAsJson(@ForAll("jsonTexts") String json) throws JsonProcessingException {
        String read = db.roundTrip(v -> v.jsonbText = json).jsonbText;
        if (json == null) {
            assertThat(read).isNull();
        } else {
            assertThat(JSON.readTree(read).equals(BY_VALUE, JSON.readTree(json)))
                    .as("%s read back as %s", json, read).isTrue();
        }
        db.assertNothingLeaked();
    }

    @Property(tries = 100)
    @Label("an application type registered with jsonTypes is written and read back equal through the codec")
    void aJsonTypeRoundTrips(@ForAll("addresses") Address address) {
        assertThat(db.roundTrip(v -> v.address = address).address).isEqualTo(address);
        db.assertNothingLeaked();
    }

    @Provide
    Arbitrary<String> jsonTexts() {
        return json(3).map(node -> {
            try {
                return JSON.writeValueAsString(node);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }).injectNull(0.05);
    }

    @Provide
    Arbitrary<Address> addresses() {
        return Combinators.combine(
                TypeArbitraries.text().injectNull(0.2),
                TypeArbitraries.text().list().ofMaxSize(4),
                Arbitraries.maps(TypeArbitraries.text(), Arbitraries.longs()).ofMaxSize(4),
                Arbitraries.of(true, false))
                .as(Address::new).injectNull(0.05);
    }

    /** Any JSON value: objects and arrays up to {@code depth} deep; strings, integers, decimals, booleans, null. */
    private static Arbitrary<JsonNode> json(int depth) {
        Arbitrary<JsonNode> scalar = Arbitraries.oneOf(
                TypeArbitraries.text().map(TextNode::valueOf),
                Arbitraries.longs().map(LongNode::valueOf),
                TypeArbitraries.decimals().map(DecimalNode::valueOf),
                Arbitraries.of(BooleanNode.TRUE, BooleanNode.FALSE, NullNode.instance));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<JsonNode> array = json(depth - 1).list().ofMaxSize(4).map(items -> {
            ArrayNode node = JsonNodeFactory.instance.arrayNode();
            items.forEach(node::add);
            return node;
        });
        Arbitrary<JsonNode> object = Arbitraries.maps(TypeArbitraries.text(), json(depth - 1)).ofMaxSize(4)
                .map(fields -> {
                    ObjectNode node = JsonNodeFactory.instance.objectNode();
                    fields.forEach(node::set);
                    return node;
                });
        return Arbitraries.frequencyOf(Tuple.of(3, scalar), Tuple.of(2, array), Tuple.of(2, object));
    }
}
