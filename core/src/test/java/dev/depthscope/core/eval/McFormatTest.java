package dev.depthscope.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The prompts are the strings lm-evaluation-harness builds ({@code testdata/mc/lmeval-contexts
 * .json}, from its {@code --log_samples} arguments): the plain task's context and {@code " " +
 * choice} continuations, and its {@code mmlu} template with the description line and 5 few-shot
 * examples from the dev split.
 */
class McFormatTest {
  private static void assertSame(String set, List<McPrompt> prompts) throws Exception {
    JsonObject all =
        JsonParser.parseString(
                Files.readString(TestData.fixture("mc").resolve("lmeval-contexts.json")))
            .getAsJsonObject();
    JsonArray ref = all.getAsJsonArray(set);
    assertEquals(ref.size(), prompts.size(), set);
    for (int q = 0; q < ref.size(); q++) {
      JsonObject r = ref.get(q).getAsJsonObject();
      assertEquals(r.get("context").getAsString(), prompts.get(q).context(), set + " " + q);
      JsonArray conts = r.getAsJsonArray("continuations");
      for (int c = 0; c < conts.size(); c++) {
        assertEquals(conts.get(c).getAsString(), prompts.get(q).continuation(c), set + " " + q);
      }
    }
  }

  @Test
  void plainPromptsAreLmEvalsContexts() throws Exception {
    Path mc = TestData.fixture("mc");
    assertSame("cloze", McFormat.plain().prompts(McQuestions.read(mc.resolve("cloze.jsonl"))));
    assertSame("long", McFormat.plain().prompts(McQuestions.read(mc.resolve("long.jsonl"))));
  }

  @Test
  void mmluPromptsAreLmEvalsMmluTemplate() throws Exception {
    Path mc = TestData.fixture("mc");
    List<McQuestion> test = McQuestions.read(mc.resolve("mmlu-test.csv"));
    List<McQuestion> dev = McQuestions.read(mc.resolve("mmlu-dev.csv"));
    assertSame(
        "mmlu-0shot",
        new McFormat(McFormat.Style.MMLU, "brown_corpus", 0, List.of()).prompts(test));
    assertSame(
        "mmlu-5shot", new McFormat(McFormat.Style.MMLU, "brown_corpus", 5, dev).prompts(test));
  }

  @Test
  void fewshotNeedsThatManyDevQuestions() {
    McQuestion q = new McQuestion("q", List.of("a", "b", "c", "d"), 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new McFormat(McFormat.Style.MMLU, null, 2, List.of(q)));
    assertEquals(
        "--mc-fewshot 2 needs that many dev questions (--mc-dev), found 1", e.getMessage());
  }

  @Test
  void mmluNeedsFourChoices() {
    McQuestion q = new McQuestion("q", List.of("a", "b"), 0);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new McFormat(McFormat.Style.MMLU, null, 0, List.of()).prompts(List.of(q)));
    assertEquals("question 1: --mc-format mmlu needs 4 choices, found 2", e.getMessage());
  }
}
