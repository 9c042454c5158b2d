package dev.depthscope.core.analysis;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.depthscope.core.io.OutputSet;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@value #FILE}: the multiple-choice log-likelihoods of an audit, one JSON object a line, so a
 * user can diff them against lm-evaluation-harness's {@code --log_samples} output. Lines of the
 * baseline come first ({@code "removed_block": null}), then those with each block removed. Fields:
 * {@code removed_block}, {@code doc_id} (0-based question index), {@code answer}, {@code loglik}
 * (summed log-likelihood of each choice, nats, lm-eval's {@code resps}), {@code tokens}
 * (continuation tokens of each choice), {@code acc}, {@code acc_norm}.
 */
public final class McSamplesFile {
  /** The file name beside {@code audit.json}. */
  public static final String FILE = "mc_samples.jsonl";

  private McSamplesFile() {}

  /** Stages the samples of {@code report} in {@code out}; nothing when there are none. */
  public static void write(McReport report, List<Integer> answers, OutputSet out)
      throws IOException {
    if (report == null || report.samples() == null) {
      return;
    }
    Gson gson = new com.google.gson.GsonBuilder().serializeNulls().create();
    try (Writer w =
        new BufferedWriter(
            new OutputStreamWriter(out.newOutputStream(FILE), StandardCharsets.UTF_8))) {
      List<McScoring.Scores> samples = report.samples();
      for (int v = 0; v < samples.size(); v++) {
        McScoring.Scores s = samples.get(v);
        for (int q = 0; q < s.acc().length; q++) {
          JsonObject o = new JsonObject();
          if (v == 0) {
            o.add("removed_block", JsonNull.INSTANCE);
          } else {
            o.addProperty("removed_block", v - 1);
          }
          o.addProperty("doc_id", q);
          o.addProperty("answer", answers.get(q));
          JsonArray ll = new JsonArray();
          JsonArray tok = new JsonArray();
          for (int c = 0; c < s.loglik()[q].length; c++) {
            ll.add(s.loglik()[q][c]);
            tok.add(s.tokens()[q][c]);
          }
          o.add("loglik", ll);
          o.add("tokens", tok);
          o.addProperty("acc", s.acc()[q]);
          o.addProperty("acc_norm", s.accNorm()[q]);
          w.write(gson.toJson(o));
          w.write('\n');
        }
      }
    }
  }
}
