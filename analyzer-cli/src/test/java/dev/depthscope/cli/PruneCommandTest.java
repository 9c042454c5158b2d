package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.RemovedSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code depthscope prune}: the pruned model's NLL is the joint NLL the audit measured for that
 * set, the record says where the set came from, and bad requests are refused.
 */
class PruneCommandTest {
  private static final String MODEL = "llama-tiny-sharded-fp32";

  private static String ids() {
    return TestData.model(MODEL).resolve("reference/activations.safetensors").toString();
  }

  private static AuditResult audit(Path model, Path out, String... extra) throws Exception {
    String[] base = {
      "audit",
      model.toString(),
      "--token-ids",
      ids(),
      "--quiet",
      "--no-report",
      "--out",
      out.toString()
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    Run r = Run.of(args);
    assertEquals(0, r.code(), r.err());
    return AuditJson.read(out.resolve("audit.json"));
  }

  @Test
  void thePrunedModelsNllIsTheJointNllTheSearchMeasured(@TempDir Path tmp) throws Exception {
    Path model = TestData.model(MODEL);
    AuditResult a = audit(model, tmp.resolve("audit"), "--search", "all", "--remove-up-to", "3");
    for (String strategy : new String[] {"greedy", "contiguous", "contiguous_angle"}) {
      Path out = tmp.resolve("pruned-" + strategy);
      Run p =
          Run.of(
              "prune",
              model.toString(),
              "--from-audit",
              tmp.resolve("audit/audit.json").toString(),
              "--strategy",
              strategy,
              "--k",
              "3",
              "--out",
              out.toString());
      assertEquals(0, p.code(), p.err());
      assertTrue(p.out().contains("3 of 6 blocks kept") || p.out().contains("kept"), p.out());
      RemovedSet set =
          switch (strategy) {
            case "greedy" -> a.removalSearch().greedy().get(2);
            case "contiguous" -> a.removalSearch().contiguousByNll().get(2);
            default -> a.removalSearch().contiguousByAngle().get(2);
          };
      AuditResult pruned = audit(out, tmp.resolve("audit-" + strategy));
      double expected = set.jointNll();
      assertEquals(expected, pruned.metrics().baselineNll(), 1e-6 * expected, strategy);
      JsonObject record =
          JsonParser.parseString(Files.readString(out.resolve("config.json")))
              .getAsJsonObject()
              .getAsJsonObject("depthscope_pruning");
      assertEquals(
          set.blocks().toString().replace(" ", ""), record.get("removed_blocks").toString());
      assertEquals(strategy, record.get("strategy").getAsString());
      assertEquals(expected, record.get("joint_nll").getAsDouble(), 0);
    }
  }

  @Test
  void dropWritesTheNamedBlocksAndJsonSaysWhat(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("p");
    Run r =
        Run.of(
            "prune",
            TestData.model(MODEL).toString(),
            "--drop",
            "1,3-4",
            "--max-shard-size",
            "1m",
            "--json",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals("[1,3,4]", o.get("removed_blocks").toString());
    assertEquals(3, o.get("layers_after").getAsInt());
    assertTrue(o.get("shards").getAsInt() > 1, r.out());
    assertTrue(Files.exists(out.resolve("model.safetensors.index.json")));
  }

  @Test
  void badRequestsAreRefusedWithoutOutput(@TempDir Path tmp) throws Exception {
    String model = TestData.model(MODEL).toString();
    Path out = tmp.resolve("x");
    String[][] cases = {
      {"--drop", "6"},
      {"--drop", "0-5"},
      {"--drop", "1", "--k", "2"},
      {"--drop", "1", "--from-audit", "a.json"},
    };
    for (String[] c : cases) {
      String[] args = new String[c.length + 4];
      args[0] = "prune";
      args[1] = model;
      System.arraycopy(c, 0, args, 2, c.length);
      args[c.length + 2] = "--out";
      args[c.length + 3] = out.toString();
      Run r = Run.of(args);
      assertEquals(2, r.code(), String.join(" ", c) + ": " + r.err());
      assertTrue(
          r.err().startsWith("depthscope: error:") || r.err().contains("depthscope:"), r.err());
      assertFalse(Files.exists(out), String.join(" ", c));
    }
    // An audit without a search cannot give a greedy set.
    audit(TestData.model(MODEL), tmp.resolve("plain"));
    Run r =
        Run.of(
            "prune",
            model,
            "--from-audit",
            tmp.resolve("plain/audit.json").toString(),
            "--strategy",
            "greedy",
            "--k",
            "2",
            "--out",
            out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("run the audit with --search greedy"), r.err());
    Files.createDirectories(out);
    Run exists = Run.of("prune", model, "--drop", "1", "--out", out.toString());
    assertEquals(2, exists.code());
    assertTrue(exists.err().contains("already exists"), exists.err());
  }
}
