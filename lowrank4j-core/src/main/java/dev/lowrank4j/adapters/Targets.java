package dev.lowrank4j.adapters;

import dev.lowrank4j.Lowrank4jException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Chooses the module paths a {@link TargetModules} selects. Unlike PEFT, which only complains when
 * nothing at all matches, every listed name must match something: a typo such as {@code qproj}
 * next to a correct {@code v_proj} would otherwise silently train half the intended adapter.
 */
public final class Targets {
    /** The model's output layer, which {@code all-linear} leaves out as PEFT does. */
    public static final String OUTPUT_LAYER = "lm_head";

    private Targets() {
    }

    /** The selected paths in the order of {@code modulePaths} (model order), so a CLI can print them. */
    public static List<String> select(TargetModules targets, Collection<String> modulePaths) {
        List<String> out = switch (targets) {
            case TargetModules.Names n -> byNames(n.names(), modulePaths);
            case TargetModules.Regex r -> byRegex(r.pattern(), modulePaths);
            case TargetModules.AllLinear a -> modulePaths.stream().filter(p -> !isOutputLayer(p)).toList();
        };
        if (out.isEmpty()) {
            throw new Lowrank4jException("target_modules " + describe(targets) + " matches no module; "
                    + availableSuffixes(modulePaths));
        }
        return out;
    }

    /** PEFT's list rule: equal to a name, or ending in "." + name. */
    public static boolean matchesName(String path, String name) {
        return path.equals(name) || path.endsWith("." + name);
    }

    private static List<String> byNames(List<String> names, Collection<String> paths) {
        for (String name : names) {
            if (paths.stream().noneMatch(p -> matchesName(p, name))) {
                throw new Lowrank4jException("target module '" + name + "' matches no module; " + availableSuffixes(paths));
            }
        }
        return paths.stream().filter(p -> names.stream().anyMatch(n -> matchesName(p, n))).toList();
    }

    private static List<String> byRegex(String regex, Collection<String> paths) {
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new Lowrank4jException("target_modules regex '" + regex + "' is invalid: " + e.getDescription());
        }
        return paths.stream().filter(p -> pattern.matcher(p).matches()).toList();
    }

    private static boolean isOutputLayer(String path) {
        return matchesName(path, OUTPUT_LAYER);
    }

    /** The distinct last path segments (q_proj, …, lm_head) plus one full path as an example. */
    static String availableSuffixes(Collection<String> paths) {
        if (paths.isEmpty()) return "the model has no replaceable linear layers";
        Set<String> suffixes = new LinkedHashSet<>();
        for (String p : paths) suffixes.add(p.substring(p.lastIndexOf('.') + 1));
        return "available module names: " + String.join(", ", suffixes)
                + " (full paths look like '" + paths.iterator().next() + "')";
    }

    static String describe(TargetModules targets) {
        return switch (targets) {
            case TargetModules.Names n -> new ArrayList<>(n.names()).toString();
            case TargetModules.Regex r -> "regex '" + r.pattern() + "'";
            case TargetModules.AllLinear a -> "'" + TargetModules.ALL_LINEAR + "'";
        };
    }
}
