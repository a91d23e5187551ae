package dev.lowrank4j.models.bert;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.Map;

/** Runs the all-MiniLM-L6-v2 ONNX file with ONNX Runtime (test-scope only) on a token batch. */
final class OnnxRuntimeOracle implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OnnxRuntimeOracle(String resource) throws IOException, OrtException {
        byte[] model;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            model = in.readAllBytes();
        }
        session = env.createSession(model, new OrtSession.SessionOptions());
    }

    /** last_hidden_state [batch, seq, hidden] flattened row-major. */
    float[] lastHiddenState(TokenBatch t) throws OrtException {
        long[] shape = {t.batch(), t.seq()};
        try (OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(longs(t.ids())), shape);
             OnnxTensor mask = OnnxTensor.createTensor(env, LongBuffer.wrap(longs(t.attentionMask())), shape);
             OnnxTensor types = OnnxTensor.createTensor(env, LongBuffer.wrap(longs(t.tokenTypes())), shape);
             OrtSession.Result r = session.run(Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types))) {
            OnnxTensor out = (OnnxTensor) r.get("last_hidden_state").orElseThrow();
            java.nio.FloatBuffer fb = out.getFloatBuffer();
            float[] values = new float[fb.remaining()];
            fb.get(values);
            return values;
        }
    }

    private static long[] longs(int[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i];
        return out;
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
