package io.llmtestbed.ait.sdk.testait;

import io.llmtestbed.ait.sdk.manifest.InventoryType;
import io.llmtestbed.ait.sdk.manifest.Manifest;
import io.llmtestbed.ait.sdk.manifest.ResourceType;
import io.llmtestbed.ait.sdk.manifest.Structure;
import io.llmtestbed.ait.sdk.manifest.ValueType;
import io.llmtestbed.ait.sdk.runtime.Ait;
import io.llmtestbed.ait.sdk.runtime.AitContext;
import io.llmtestbed.ait.sdk.runtime.AitMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny AIT for the SDK's own tests: reads {@code label,prediction} CSV rows and measures
 * accuracy. Parameter {@code fail_with} ({@code e101}, {@code e901}, {@code e999}) makes it fail
 * the way a broken AIT would, to exercise the error paths.
 */
public final class SampleAit implements Ait {

    public static void main(String[] args) {
        AitMain.run(new SampleAit(), args);
    }

    @Override
    public Manifest manifest() {
        return Manifest.builder()
                .name("eval_sample_csv_accuracy")
                .description("accuracy = correct rows / rows of a label,prediction CSV")
                .version("0.1")
                .quality("C-1")
                .keyword("test")
                .license("Apache License Version 2.0")
                .inventory("answers", InventoryType.DATASET, "label,prediction rows", "csv")
                .parameter("threshold", ValueType.FLOAT, "accuracy needed to pass", "0.5",
                        "0", "1")
                .parameter("fail_with", ValueType.STR, "none, e101, e901 or e999", "none")
                .measure("accuracy", ValueType.FLOAT, Structure.SINGLE, "correct / rows",
                        "0", "1")
                .measure("passed", ValueType.BOOL, Structure.SINGLE, "accuracy >= threshold")
                .measure("row_correct", ValueType.INT, Structure.SEQUENCE, "1 per correct row")
                .resource("summary_table", ResourceType.TABLE, "rows and accuracy")
                .download("rows", "the rows read, as CSV")
                .build();
    }

    @Override
    public void run(AitContext ctx) throws Exception {
        String failWith = ctx.stringParam("fail_with");
        List<String> lines = Files.readAllLines(ctx.inventoryFile("answers"),
                StandardCharsets.UTF_8);
        List<Double> correct = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            correct.add(cells[0].strip().equals(cells[1].strip()) ? 1.0 : 0.0);
        }
        double accuracy = correct.stream().mapToDouble(Double::doubleValue).average()
                .orElse(Double.NaN);
        ctx.logger().info("{} rows, accuracy {}", correct.size(), accuracy);
        switch (failWith) {
            case "e101" -> ctx.measure("precision", accuracy);
            case "e901" -> throw new IllegalStateException("simulated failure after reading "
                    + correct.size() + " rows");
            case "e999" -> throw new OutOfMemoryError("simulated: Java heap space");
            default -> { }
        }
        ctx.measure("accuracy", accuracy);
        ctx.measure("passed", accuracy >= ctx.doubleParam("threshold"));
        ctx.measureSequence("row_correct", correct.stream().mapToDouble(Double::doubleValue)
                .toArray());
        Files.writeString(ctx.resourceFile("summary_table", "summary.csv"),
                "rows,accuracy\n" + correct.size() + "," + accuracy + "\n");
        Files.copy(ctx.inventoryFile("answers"), ctx.downloadFile("rows", "rows.csv"));
    }

    /** The fixture CSV (3 of 4 rows correct). */
    public static String sampleCsv() {
        return "label,prediction\ncat,cat\ndog,dog\n猫,猫\nbird,cat\n";
    }

    /** Writes {@link #sampleCsv()} to {@code dir/answers.csv}. */
    public static Path writeSampleCsv(Path dir) throws java.io.IOException {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve("answers.csv"), sampleCsv(), StandardCharsets.UTF_8);
    }
}
