package dev.lowrank4j.util;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lowrank4j.io.AtomicFiles;

import java.nio.file.Path;

/** One shared Jackson mapper for run files (configs, metrics, summaries) plus atomic writes. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    public static String compact(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void writeAtomically(Path file, Object value) {
        writeStringAtomically(file, pretty(value) + "\n");
    }

    /** Writes to a sibling temp file, fsyncs it, then renames it over the target. */
    public static void writeStringAtomically(Path file, String text) {
        AtomicFiles.writeString(file, text);
    }
}
