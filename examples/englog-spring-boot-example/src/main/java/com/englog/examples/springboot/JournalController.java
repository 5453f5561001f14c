package com.englog.examples.springboot;

import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One templated route, so the metrics and the span show {@code /api/v1/journals/{id}}, never the id. */
@RestController
class JournalController {

  static final String JOURNAL = "/api/v1/journals/{id}";
  private static final Logger LOG = LoggerFactory.getLogger(JournalController.class);

  @GetMapping(JOURNAL)
  ResponseEntity<Map<String, Object>> journal(@PathVariable("id") long id) {
    LOG.info("journal read");   // the line carries the request's trace_id and correlation_id
    if (id <= 0) {
      return ResponseEntity.notFound().build();
    }
    return ResponseEntity.ok(Map.of("id", id, "title", "Entry " + id));
  }
}
