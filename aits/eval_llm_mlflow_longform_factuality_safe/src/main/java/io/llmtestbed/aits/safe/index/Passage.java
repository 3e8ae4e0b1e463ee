package io.llmtestbed.aits.safe.index;

/**
 * A searchable piece of a {@link CollectionDocument}: consecutive whole sentences of about
 * {@link PassageSplitter#DEFAULT_WORDS} words, carrying the document's title and source.
 *
 * @param documentId the document's id
 * @param ordinal the passage's position in the document, from 0
 * @param title the document's title
 * @param text the passage text
 * @param source the document's URL, else its id
 */
public record Passage(String documentId, int ordinal, String title, String text, String source) {}
