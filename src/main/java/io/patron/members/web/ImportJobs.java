package io.patron.members.web;

import io.patron.common.UploadJobs;
import io.patron.members.ImportReport;
import io.patron.members.MemberImport;
import jakarta.annotation.PreDestroy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Member imports uploaded in the admin run in the background, one at a time (see {@link UploadJobs});
 * the report of a finished job is also in the audit log.
 */
@Component
class ImportJobs {

    private final MemberImport memberImport;
    private final UploadJobs<ImportReport> jobs = new UploadJobs<>("member-import");

    ImportJobs(MemberImport memberImport) {
        this.memberImport = memberImport;
    }

    String start(InputStream upload, String fileName) throws IOException {
        return jobs.start(upload, fileName, (file, progress) -> {
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                return memberImport.importCsv(reader, null, progress);
            }
        });
    }

    Optional<UploadJobs.Job<ImportReport>> find(String id) {
        return jobs.find(id);
    }

    @PreDestroy
    void stop() {
        jobs.close();
    }
}
