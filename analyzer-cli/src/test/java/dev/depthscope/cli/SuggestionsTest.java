package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** "Did you mean": nearest names by edit distance, else by prefix; hidden commands never. */
class SuggestionsTest {
  @Test
  void editDistanceCountsASwapAsOneEdit() {
    assertEquals(1, Suggestions.distance("audti", "audit"));
    assertEquals(1, Suggestions.distance("txt", "text"));
    assertEquals(2, Suggestions.distance("thresld", "threshold"));
    assertEquals(0, Suggestions.distance("json", "json"));
  }

  @Test
  void onlyTheNearestNamesAreSuggested() {
    List<String> names = List.of("--text", "--token-ids", "--tokenizer", "--threshold", "--json");
    assertEquals(List.of("--text"), Suggestions.nearest("--txt", names));
    assertEquals(List.of("--threshold"), Suggestions.nearest("--thresold", names));
    assertEquals(List.of(), Suggestions.nearest("--zzz", names));
  }

  @Test
  void aShortPrefixSuggestsTheNamesItStarts() {
    List<String> names = List.of("trace", "train", "train-compare", "audit");
    assertEquals(List.of("trace", "train", "train-compare"), Suggestions.nearest("tr", names));
  }

  @Test
  void hiddenCommandsAreNotSuggested() {
    assertEquals(List.of(), Suggestions.commands(Main.commandLine(), "bnch"));
    assertEquals(List.of("models"), Suggestions.commands(Main.commandLine(), "modles"));
  }

  @Test
  void suggestionsReadAsASentence() {
    assertEquals("", Suggestions.phrase(List.of()));
    assertEquals(" (did you mean 'a'?)", Suggestions.phrase(List.of("a")));
    assertEquals(" (did you mean 'a', 'b' or 'c'?)", Suggestions.phrase(List.of("a", "b", "c")));
  }
}
