package io.patron.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded database's files hold members' personal data: before the first connection opens them,
 * their directory is made private to the user Patron runs as ({@code rwx------}) and the files in it
 * readable by that user only, whatever the umask. Nothing is done for PostgreSQL or in-memory H2, nor
 * on a file system without POSIX permissions.
 */
@Configuration(proxyBeanMethods = false)
class EmbeddedDataPermissions {

    private static final Pattern H2_FILE = Pattern.compile("^jdbc:h2:(?:file:)?([^;:][^;]*)");

    @Bean
    static BeanPostProcessor privateEmbeddedData(org.springframework.core.env.Environment environment) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof DataSource) {
                    directory(environment.getProperty("spring.datasource.url", "")).ifPresent(EmbeddedDataPermissions::makePrivate);
                }
                return bean;
            }
        };
    }

    static java.util.Optional<Path> directory(String url) {
        if (url.startsWith("jdbc:h2:mem:") || url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:")) {
            return java.util.Optional.empty();
        }
        Matcher m = H2_FILE.matcher(url);
        if (!m.find()) {
            return java.util.Optional.empty();
        }
        Path parent = Path.of(m.group(1).replaceFirst("^~", System.getProperty("user.home"))).toAbsolutePath().getParent();
        return java.util.Optional.ofNullable(parent);
    }

    static void makePrivate(Path directory) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        try {
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make the embedded database's directory " + directory + " private", e);
        }
    }
}
