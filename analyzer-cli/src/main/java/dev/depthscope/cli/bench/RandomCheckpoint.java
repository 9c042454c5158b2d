package dev.depthscope.cli.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.depthscope.core.checkpoint.DType;
import dev.depthscope.core.checkpoint.StreamingSafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A Llama checkpoint of a given shape with random weights (normal, std 0.02; norms 1), written
 * tensor by tensor so shapes far larger than memory can be generated for benchmarks. Values are
 * drawn from a fixed pool of Gaussians at random offsets: statistically fine for timing, and fast
 * enough to write billions of parameters.
 */
final class RandomCheckpoint {
  private RandomCheckpoint() {}

  record Shape(int layers, int hidden, int heads, int kvHeads, int intermediate, int vocab) {}

  static void write(Shape s, DType dtype, Path dir, long seed) throws IOException {
    Files.createDirectories(dir);
    int hd = s.hidden() / s.heads();
    List<StreamingSafetensorsWriter.Spec> specs = new ArrayList<>();
    specs.add(spec("model.embed_tokens.weight", dtype, s.vocab(), s.hidden()));
    for (int l = 0; l < s.layers(); l++) {
      String p = "model.layers." + l + ".";
      specs.add(spec(p + "input_layernorm.weight", dtype, s.hidden()));
      specs.add(spec(p + "post_attention_layernorm.weight", dtype, s.hidden()));
      specs.add(spec(p + "self_attn.q_proj.weight", dtype, (long) s.heads() * hd, s.hidden()));
      specs.add(spec(p + "self_attn.k_proj.weight", dtype, (long) s.kvHeads() * hd, s.hidden()));
      specs.add(spec(p + "self_attn.v_proj.weight", dtype, (long) s.kvHeads() * hd, s.hidden()));
      specs.add(spec(p + "self_attn.o_proj.weight", dtype, s.hidden(), (long) s.heads() * hd));
      specs.add(spec(p + "mlp.gate_proj.weight", dtype, s.intermediate(), s.hidden()));
      specs.add(spec(p + "mlp.up_proj.weight", dtype, s.intermediate(), s.hidden()));
      specs.add(spec(p + "mlp.down_proj.weight", dtype, s.hidden(), s.intermediate()));
    }
    specs.add(spec("model.norm.weight", dtype, s.hidden()));
    specs.add(spec("lm_head.weight", dtype, s.vocab(), s.hidden()));

    SplittableRandom rng = new SplittableRandom(seed);
    float[] pool = new float[1 << 20];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = (float) (rng.nextGaussian() * 0.02);
    }
    float[] ones = new float[1 << 16];
    java.util.Arrays.fill(ones, 1f);
    try (var w = new StreamingSafetensorsWriter(dir.resolve("model.safetensors"), specs)) {
      for (StreamingSafetensorsWriter.Spec sp : specs) {
        boolean norm = sp.name().endsWith("norm.weight");
        long left = sp.numel();
        while (left > 0) {
          int n = (int) Math.min(left, norm ? ones.length : pool.length / 2);
          if (norm) {
            w.write(ones, 0, n);
          } else {
            w.write(pool, rng.nextInt(pool.length - n + 1), n);
          }
          left -= n;
        }
      }
      w.finish();
    }
    Files.writeString(dir.resolve("config.json"), config(s, dtype));
  }

  private static StreamingSafetensorsWriter.Spec spec(String name, DType t, long... shape) {
    return new StreamingSafetensorsWriter.Spec(name, t, shape);
  }

  private static String config(Shape s, DType dtype) {
    JsonObject c = new JsonObject();
    JsonArray arch = new JsonArray();
    arch.add("LlamaForCausalLM");
    c.add("architectures", arch);
    c.addProperty("model_type", "llama");
    c.addProperty("hidden_size", s.hidden());
    c.addProperty("intermediate_size", s.intermediate());
    c.addProperty("num_hidden_layers", s.layers());
    c.addProperty("num_attention_heads", s.heads());
    c.addProperty("num_key_value_heads", s.kvHeads());
    c.addProperty("head_dim", s.hidden() / s.heads());
    c.addProperty("vocab_size", s.vocab());
    c.addProperty("max_position_embeddings", 8192);
    c.addProperty("rms_norm_eps", 1e-5);
    c.addProperty("rope_theta", 500000.0);
    c.addProperty("tie_word_embeddings", false);
    c.addProperty("hidden_act", "silu");
    c.addProperty("bos_token_id", 1);
    c.addProperty("eos_token_id", 2);
    c.addProperty("torch_dtype", dtype == DType.BF16 ? "bfloat16" : "float32");
    return new GsonBuilder().setPrettyPrinting().create().toJson(c);
  }
}
