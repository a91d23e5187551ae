package dev.lowrank4j.examples;

import dev.lowrank4j.adapters.peft.PeftAdapter;
import dev.lowrank4j.io.TestFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's "Use from Java" program, taken from README.md itself, compiled against the library
 * and run as a separate JVM the way a user would run it: with the module flag it trains and saves
 * a PEFT adapter; without it the library stops with its one-line message.
 */
class ReadmeExampleTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final long TIMEOUT_SECONDS = 120;

    private static String example() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        String section = readme.substring(readme.indexOf("## Use from Java"));
        Matcher m = JAVA_BLOCK.matcher(section);
        assertTrue(m.find(), "README's Use from Java section has no java code block");
        return m.group(1);
    }

    private static String classpath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    private record Run(int exit, String out, String err) {}

    private static Run java(Path classes, List<String> flags, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(flags);
        cmd.addAll(List.of("-cp", classes + java.io.File.pathSeparator + classpath(), "LoraExample"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("example", ".out"), err = Files.createTempFile("example", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the example did not finish");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theReadmeProgramCompilesTrainsAndSavesAPeftAdapter(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src")), classes = Files.createDirectories(tmp.resolve("classes"));
        Path file = Files.writeString(src.resolve("LoraExample.java"), example());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "-d", classes.toString(), "-cp", classpath(), file.toString());
        assertEquals(0, compiled, "the README example does not compile");

        Path model = TestFiles.resource("/hf-tiny-llama/tinyllama"), adapter = tmp.resolve("adapter");
        Run ok = java(classes, List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"),
                model.toString(), adapter.toString());
        assertEquals(0, ok.exit(), ok.err());
        assertEquals(5, ok.out().lines().filter(l -> l.startsWith("step ")).count(), ok.out());
        List<Double> losses = ok.out().lines().map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).toList();
        assertTrue(losses.get(4) < losses.get(0), "five LoRA steps should lower the loss: " + losses);
        assertEquals(2 * 2 * 2, PeftAdapter.read(adapter).tensors().size(), "q and v adapters of both layers");

        Run missing = java(classes, List.of(), model.toString(), tmp.resolve("never").toString());
        assertNotEquals(0, missing.exit());
        String first = missing.err().lines().findFirst().orElse("");
        assertTrue(first.contains("lowrank4j needs the Vector API: start the JVM with --add-modules jdk.incubator.vector"), missing.err());
        assertFalse(missing.err().contains("NoClassDefFoundError"), missing.err());
    }
}
