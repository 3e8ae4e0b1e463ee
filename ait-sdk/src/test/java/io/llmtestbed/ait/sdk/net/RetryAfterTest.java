package io.llmtestbed.ait.sdk.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  @Test
  void should_read_delta_seconds_and_http_dates_when_parsing_retry_after() {
    String inTwoMinutes = ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(2)
        .format(DateTimeFormatter.RFC_1123_DATE_TIME);

    assertThat(GuardedHttp.parseRetryAfter(" 7 ")).contains(Duration.ofSeconds(7));
    assertThat(GuardedHttp.parseRetryAfter(inTwoMinutes)).get()
        .satisfies(d -> assertThat(d).isBetween(Duration.ofSeconds(100), Duration.ofMinutes(2)));
    assertThat(GuardedHttp.parseRetryAfter("Thu, 01 Jan 2015 00:00:00 GMT"))
        .as("a date in the past").contains(Duration.ZERO);
  }

  @Test
  void should_give_nothing_when_retry_after_is_negative_or_unreadable() {
    assertThat(GuardedHttp.parseRetryAfter("-3")).isEmpty();
    assertThat(GuardedHttp.parseRetryAfter("soon")).isEmpty();
  }
}
