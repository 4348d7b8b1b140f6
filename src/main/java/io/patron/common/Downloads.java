package io.patron.common;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Files the browser saves: a CSV body under a file name. */
public final class Downloads {

    private Downloads() {
    }

    /** {@code name} without its extension; the answer is UTF-8 {@code text/csv} saved as {@code name.csv}. */
    public static ResponseEntity<String> csv(String name, String body) {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/csv; charset=UTF-8"))
                .header("Content-Disposition", "attachment; filename=\"" + name + ".csv\"").body(body);
    }
}
