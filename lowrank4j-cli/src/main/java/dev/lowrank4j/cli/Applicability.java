package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import picocli.CommandLine.Model.CommandSpec;

import java.util.List;

/**
 * Refuses options that the user typed but that do nothing for the chosen model or method: a
 * silently ignored {@code --rank} with {@code --method full} would make a run mean something other
 * than its command line says.
 */
final class Applicability {
    private Applicability() {}

    /** True when the user gave {@code option} on the command line (defaults do not count). */
    static boolean given(CommandSpec spec, String option) {
        return spec.commandLine().getParseResult().hasMatchedOption(option);
    }

    /**
     * Throws if any of {@code options} was given while {@code applies} is false; {@code why} says
     * what they belong to, e.g. "apply to --method lora, galore and fira".
     */
    static void onlyWhen(CommandSpec spec, boolean applies, String context, String why, String... options) {
        if (applies) return;
        List<String> used = java.util.Arrays.stream(options).filter(o -> given(spec, o)).toList();
        if (used.isEmpty()) return;
        throw new Lowrank4jException(String.join(", ", used) + (used.size() == 1 ? " does" : " do")
                + " nothing with " + context + " (" + why + ")");
    }
}
