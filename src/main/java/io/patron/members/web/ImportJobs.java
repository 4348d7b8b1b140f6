package io.patron.members.web;

import io.patron.members.ImportReport;
import io.patron.members.MemberImport;
import jakarta.annotation.PreDestroy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.concurrent.DelegatingSecurityContextExecutorService;
import org.springframework.stereotype.Component;

/**
 * Member imports uploaded in the admin run here in the background, one at a time, so the upload
 * answers at once and the page can show a progress bar. Jobs live in this instance's memory (the
 * last {@value #JOBS_KEPT}); the report of a finished job is also in the audit log.
 */
@Component
class ImportJobs {

    private static final Logger log = LoggerFactory.getLogger(ImportJobs.class);
    static final int JOBS_KEPT = 20;

    private final MemberImport memberImport;
    private final ExecutorService executor = new DelegatingSecurityContextExecutorService(
            Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "member-import");
                t.setDaemon(true);
                return t;
            }));
    private final Map<String, Job> jobs = java.util.Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Job> eldest) {
            return size() > JOBS_KEPT;
        }
    });

    ImportJobs(MemberImport memberImport) {
        this.memberImport = memberImport;
    }

    String start(InputStream upload, String fileName) throws IOException {
        Path file = Files.createTempFile("patron-import-", ".csv");
        Files.copy(upload, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long lines = countLines(file);
        Job job = new Job(io.patron.common.Secrets.random(12), fileName, Math.max(0, lines - 1));
        jobs.put(job.id, job);
        executor.submit(() -> run(job, file));
        return job.id;
    }

    Optional<Job> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    private void run(Job job, Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            job.report = memberImport.importCsv(reader, null, job.rowsRead::set);
        } catch (io.patron.common.ProblemException e) {
            job.error = e.errors().isEmpty() ? e.getMessage() : e.errors().getFirst().message();
        } catch (Exception e) {
            log.error("Member import {} failed", job.id, e);
            job.error = "The import stopped: " + e.getClass().getSimpleName();
        } finally {
            job.done = true;
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                log.warn("Could not delete {}", file);
            }
        }
    }

    private static long countLines(Path file) throws IOException {
        long lines = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            byte last = '\n';
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
                last = buffer[n - 1];
            }
            if (last != '\n') {
                lines++;
            }
        }
        return lines;
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }

    /** One import: its progress while running, then its report or the reason it stopped. */
    public static final class Job {
        final String id;
        final String fileName;
        final long rowsExpected;
        final AtomicLong rowsRead = new AtomicLong();
        volatile boolean done;
        volatile ImportReport report;
        volatile String error;

        Job(String id, String fileName, long rowsExpected) {
            this.id = id;
            this.fileName = fileName;
            this.rowsExpected = rowsExpected;
        }

        public String getId() {
            return id;
        }

        public String getFileName() {
            return fileName;
        }

        public boolean isDone() {
            return done;
        }

        public ImportReport getReport() {
            return report;
        }

        public String getError() {
            return error;
        }

        public long getRowsRead() {
            return rowsRead.get();
        }

        public long getRowsExpected() {
            return rowsExpected;
        }

        public int getPercent() {
            if (done) {
                return 100;
            }
            return rowsExpected == 0 ? 0 : (int) Math.min(99, rowsRead.get() * 100 / rowsExpected);
        }
    }
}
