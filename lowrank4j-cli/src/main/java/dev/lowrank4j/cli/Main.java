package dev.lowrank4j.cli;

import dev.lowrank4j.Lowrank4jException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lowrank4j} command. Exit codes: 0 success, 1 a problem with the input or the run
 * (one-line message on stderr), 2 a usage error (bad or missing option).
 */
@Command(name = "lowrank4j", mixinStandardHelpOptions = true, version = "lowrank4j 0.1.0",
        description = "Pretrain, fine-tune and compress LLaMA-style models with low-rank methods on a CPU.",
        subcommands = {PretrainCommand.class, CompareCommand.class, FinetuneCommand.class, ForwardCommand.class, MemoryCommand.class, BenchCommand.class,
                BoundCommand.class, BoundSweepCommand.class,
                DlrtCommand.class,
                QuantizeCommand.class, EvalCommand.class, GenerateCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  lowrank4j compare                        # the main job: full, LoRA, GaLore, Fira on one budget",
                "  lowrank4j pretrain                       # tiny LLaMA on the embedded Moby Dick corpus",
                "  lowrank4j finetune --model minilm --task spam --method lora",
                "  lowrank4j forward --model DIR --input ids.safetensors --out out.safetensors --grads",
                "  lowrank4j bench gemm --json",
                "  lowrank4j bound --synthetic orthogonal --width 128 --depth 4",
                "  lowrank4j quantize --model runs/x --method lrq --bits 4 --calib t.txt --calib-samples 32 --out runs/x-w4",
                "  lowrank4j eval --model runs/x-w4 --text held-out.txt --json",
                "  lowrank4j generate --model runs/x-w4 --prompt \"Call me Ishmael\"",
                "", "Exit codes: 0 ok, 1 bad input or failed run, 2 usage error.",
                "--debug (anywhere on the line) prints the stack trace of an internal error."})
public final class Main implements Runnable {
    /** Set by --debug: internal errors print their stack trace instead of one line. */
    static boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            while (t.getCause() != null && !(t instanceof Lowrank4jException)) t = t.getCause();
            if (t instanceof Lowrank4jException) {
                System.err.println("error: " + t.getMessage());
                return 1;
            }
            // a bug, not a user mistake: one line unless the user asked for the trace
            if (debug) {
                ex.printStackTrace();
            } else {
                System.err.println("error: internal error (" + ex + "); run again with --debug for the stack trace");
            }
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            System.err.println("error: " + ex.getMessage());
            System.err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        return cl;
    }

    public static void main(String[] args) {
        java.util.List<String> rest = new java.util.ArrayList<>(java.util.List.of(args));
        debug = rest.remove("--debug");
        // --max-memory SIZE sizes the heap; the launcher turns it into -Xmx before the JVM starts,
        // so here (java -jar run by hand) it can only be dropped
        int mm = rest.indexOf("--max-memory");
        if (mm >= 0 && mm + 1 < rest.size()) {
            rest.remove(mm + 1);
            rest.remove(mm);
        }
        int code;
        try {
            code = commandLine().execute(rest.toArray(String[]::new));
        } catch (OutOfMemoryError e) {
            System.err.println("error: out of memory (this JVM may use " + dev.lowrank4j.train.MemoryLedger.human(Runtime.getRuntime().maxMemory())
                    + "); lower --batch or --seq, or give it more with --max-memory (e.g. --max-memory 16g)");
            code = 1;
        }
        System.exit(code);
    }
}
