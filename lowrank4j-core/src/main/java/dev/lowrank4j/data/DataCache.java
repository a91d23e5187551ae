package dev.lowrank4j.data;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where downloaded data sets live: the {@code lowrank4j.data} system property, else the
 * {@code LOWRANK4J_DATA} environment variable, else {@code ~/.cache/lowrank4j}. The same rule as
 * {@code scripts/fetch-data.sh} (which reads only the variable), so what the script stores is what
 * the loaders find; data never goes into the repository.
 */
public final class DataCache {
    public static final String PROPERTY = "lowrank4j.data";
    public static final String ENV = "LOWRANK4J_DATA";

    private DataCache() {}

    /** The cache root for this process. */
    public static Path root() {
        return root(System::getProperty, System::getenv, System.getProperty("user.home"));
    }

    /** The folder of one data set, e.g. {@code dataset("spam-assassin")}. */
    public static Path dataset(String name) {
        return root().resolve(name);
    }

    /** The rule itself, with its inputs passed in so tests need not touch the real environment. */
    static Path root(UnaryOperator<String> properties, UnaryOperator<String> env, String home) {
        String p = properties.apply(PROPERTY);
        if (p != null && !p.isBlank()) return Path.of(p);
        String e = env.apply(ENV);
        if (e != null && !e.isBlank()) return Path.of(e);
        return Path.of(home, ".cache", "lowrank4j");
    }
}
