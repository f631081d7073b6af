package dev.pgkeeper.mybatis.types;

import java.util.List;
import java.util.Map;

/** An application type stored as JSON through {@code jsonTypes(codec, Address.class)}. */
public record Address(String street, List<String> lines, Map<String, Long> counts, boolean primary) {
}
