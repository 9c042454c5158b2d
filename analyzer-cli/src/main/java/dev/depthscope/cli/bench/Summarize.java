package dev.depthscope.cli.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Merges the JSON lines the bench steps printed into {@code results.json}, adds the ratios the
 * targets are stated in, and prints a table with the targets next to the measurements.
 */
@Command(name = "summarize", description = "Merge bench figures into results.json and print them.")
final class Summarize implements Callable<Integer> {
  @Option(names = "--in", required = true)
  Path in;

  @Option(names = "--out", required = true)
  Path out;

  @Override
  public Integer call() throws IOException {
    JsonObject r = new JsonObject();
    for (String line : Files.readAllLines(in)) {
      if (line.isBlank()) {
        continue;
      }
      for (var e : JsonParser.parseString(line).getAsJsonObject().entrySet()) {
        r.add(e.getKey(), e.getValue());
      }
    }
    ratio(r, "forward_fraction_of_matmul", "forward_matmul_gflops", "matmul_gflops");
    ratio(r, "forward_vs_hf_fp32", "forward_tokens_per_s", "hf_forward_fp32_tokens_per_s");
    ratio(r, "audit_vs_hf_fp32", "audit_seconds", "hf_audit_fp32_seconds");
    ratio(r, "audit_vs_hf_bf16", "audit_seconds", "hf_audit_bf16_seconds");
    ratio(r, "search_vs_k_sweeps", "search_seconds", "search_k_sweeps_seconds");
    Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(r));
    System.out.printf(Locale.ROOT, "%-34s %14s   %s%n", "figure", "value", "target");
    row(r, "matmul_gflops", "");
    row(r, "forward_tokens_per_s", ">= hf_forward_fp32_tokens_per_s");
    row(r, "hf_forward_fp32_tokens_per_s", "");
    row(r, "forward_fraction_of_matmul", ">= 0.60");
    row(r, "forward_vs_hf_fp32", ">= 1");
    row(r, "sweep_seconds", "");
    row(r, "naive_seconds", "");
    row(r, "sweep_vs_naive", "<= 0.55");
    row(r, "stream_8b_peak_rss_gb", "<= 6");
    row(r, "stream_8b_seconds", "");
    row(r, "trainer_tokens_per_s", "");
    row(r, "trainer_fraction_of_roofline", ">= 0.40");
    row(r, "open_2gb_seconds", "< 1");
    row(r, "audit_seconds", "");
    row(r, "hf_audit_fp32_seconds", "");
    row(r, "hf_audit_bf16_seconds", "");
    row(r, "audit_vs_hf_bf16", "< 1");
    row(r, "search_block_evaluations", "");
    row(r, "search_k_sweeps_block_evaluations", "");
    row(r, "search_seconds", "");
    row(r, "search_k_sweeps_seconds", "");
    row(r, "search_vs_k_sweeps", "");
    row(r, "prune_8b_seconds", "");
    row(r, "prune_8b_peak_rss_gb", "< 1");
    System.out.println("wrote " + out);
    return 0;
  }

  private static void ratio(JsonObject r, String key, String num, String den) {
    if (r.has(num) && r.has(den) && r.get(den).getAsDouble() != 0) {
      r.addProperty(key, r.get(num).getAsDouble() / r.get(den).getAsDouble());
    }
  }

  private static void row(JsonObject r, String key, String target) {
    JsonElement v = r.get(key);
    String shown = v == null ? "-" : String.format(Locale.ROOT, "%.3f", v.getAsDouble());
    System.out.printf(Locale.ROOT, "%-34s %14s   %s%n", key, shown, target);
  }
}
