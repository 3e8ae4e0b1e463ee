package io.llmtestbed.ait.sdk.report;

import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks a font family that can draw Japanese labels. Preference: Noto Sans CJK JP, IPAexGothic,
 * IPAGothic/IPAPGothic, then any installed family whose glyphs cover a Japanese sample. When none
 * is installed the charts use the logical {@code SansSerif} font (Japanese text shows as boxes)
 * and one WARN names the Debian packages that fix it.
 */
public final class ChartFonts {

  private static final Logger LOG = LoggerFactory.getLogger(ChartFonts.class);

  static {
    // Must be set before the first AWT class loads; containers have no display.
    System.setProperty("java.awt.headless", "true");
  }

  /** Text a Japanese-capable font must draw completely (kanji, hiragana, katakana, symbols). */
  static final String SAMPLE = "正答率カテゴリーごとの平均点（９５％信頼区間）";

  private static final List<String> PREFERRED = List.of("Noto Sans CJK JP", "Noto Sans JP",
      "IPAexGothic", "IPAPGothic", "IPAGothic", "Source Han Sans JP", "TakaoPGothic",
      "VL PGothic", "Droid Sans Fallback");

  private static volatile String family;
  private static volatile boolean japanese;

  private ChartFonts() {
  }

  /** The family used for chart text; resolved once per JVM. */
  public static String family() {
    resolve();
    return family;
  }

  /** True when the chosen family draws Japanese text. */
  public static boolean japaneseCapable() {
    resolve();
    return japanese;
  }

  /** A font of the chosen family. */
  public static Font font(int style, int size) {
    return new Font(family(), style, size);
  }

  private static synchronized void resolve() {
    if (family != null) {
      return;
    }
    Set<String> installed = new TreeSet<>(Arrays.asList(GraphicsEnvironment
        .getLocalGraphicsEnvironment().getAvailableFontFamilyNames()));
    for (String name : PREFERRED) {
      if (installed.contains(name) && covers(name)) {
        choose(name, true);
        return;
      }
    }
    for (String name : installed) {
      if (!isLogical(name) && covers(name)) {
        choose(name, true);
        return;
      }
    }
    LOG.warn("No installed font can draw Japanese; chart labels in Japanese will show as boxes. "
        + "Fix: apt-get install fonts-ipafont-gothic (or fonts-noto-cjk) in the AIT image");
    choose(Font.SANS_SERIF, false);
  }

  private static boolean covers(String name) {
    return new Font(name, Font.PLAIN, 12).canDisplayUpTo(SAMPLE) == -1;
  }

  private static boolean isLogical(String name) {
    return Set.of(Font.DIALOG, Font.DIALOG_INPUT, Font.MONOSPACED, Font.SANS_SERIF, Font.SERIF)
        .contains(name);
  }

  private static void choose(String name, boolean canDrawJapanese) {
    japanese = canDrawJapanese;
    family = name;
    LOG.debug("Chart font: {} (Japanese: {})", name, canDrawJapanese);
  }
}
