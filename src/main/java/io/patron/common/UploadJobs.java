package io.patron.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.concurrent.DelegatingSecurityContextExecutorService;

/**
 * Uploaded files processed in the background, one at a time, so that the upload answers at once and
 * a page can show a progress bar (rows done of the file's lines). Jobs live in this instance's memory
 * (the last {@value #JOBS_KEPT}); the uploader's security context goes with the work, so that what
 * it records is attributed to them.
 *
 * @param <R> the report of a finished job
 */
public final class UploadJobs<R> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UploadJobs.class);
    static final int JOBS_KEPT = 20;

    /** The work on the uploaded file, which reports the rows done as it goes. */
    @FunctionalInterface
    public interface Work<R> {
        R run(Path file, LongConsumer rowsDone) throws Exception;
    }

    private final String name;
    private final ExecutorService executor;
    private final Map<String, Job<R>> jobs = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Job<R>> eldest) {
            return size() > JOBS_KEPT;
        }
    });

    public UploadJobs(String name) {
        this.name = name;
        this.executor = new DelegatingSecurityContextExecutorService(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        }));
    }

    /** Saves the upload to a temporary file and queues the work on it; answers the job's id. */
    public String start(InputStream upload, String fileName, Work<R> work) throws IOException {
        Path file = Files.createTempFile("patron-" + name + "-", ".csv");
        Files.copy(upload, file, StandardCopyOption.REPLACE_EXISTING);
        long lines = countLines(file);
        String shortName = fileName == null ? "upload.csv" : fileName.length() > 100 ? fileName.substring(0, 100) : fileName;
        Job<R> job = new Job<>(Secrets.random(12), shortName, Math.max(0, lines - 1));
        jobs.put(job.id, job);
        executor.submit(() -> run(job, file, work));
        return job.id;
    }

    public Optional<Job<R>> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    private void run(Job<R> job, Path file, Work<R> work) {
        try {
            job.report = work.run(file, job.rowsDone::set);
        } catch (ProblemException e) {
            job.error = e.errors().isEmpty() ? e.getMessage() : e.errors().getFirst().message();
        } catch (Exception e) {
            log.error("{} {} failed", name, job.id, e);
            job.error = "The job stopped: " + e.getClass().getSimpleName();
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

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** One job: its progress while running, then its report or the reason it stopped. */
    public static final class Job<R> {
        final String id;
        final String fileName;
        final long rowsExpected;
        final AtomicLong rowsDone = new AtomicLong();
        volatile boolean done;
        volatile R report;
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

        public R getReport() {
            return report;
        }

        public String getError() {
            return error;
        }

        public long getRowsRead() {
            return rowsDone.get();
        }

        public long getRowsExpected() {
            return rowsExpected;
        }

        public int getPercent() {
            if (done) {
                return 100;
            }
            return rowsExpected == 0 ? 0 : (int) Math.min(99, rowsDone.get() * 100 / rowsExpected);
        }
    }
}
