package io.patron.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Contact;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document as the published contract (what a POS vendor generates a client from): its
 * version and change policy, the security scheme each operation accepts, a stable readable
 * operationId for every operation (from {@code openapi/operation-ids.txt}), the {@code Problem}
 * schema on every error answer, the headers every answer carries (request id, rate limit) and the
 * retry headers of 429 and 503. The document is committed as {@code docs/openapi.json};
 * {@code OpenApiContractTest} fails when the running application's differs from it.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfig {

    /** The contract's version: fields may be added in a minor version; nothing is removed or renamed before 2.0. */
    static final String CONTRACT_VERSION = "1.3.0";

    private static final String PROBLEM = "#/components/schemas/Problem";

    static {
        // Every enum a named schema of its own: generated clients get one enum type per closed set
        // (MemberCategory, Language …) instead of an inline enum per field.
        io.swagger.v3.core.jackson.ModelResolver.enumsAsRef = true;
    }

    @Bean
    OpenAPI patronOpenApi() {
        return new OpenAPI()
                .info(new Info().title("Patron API").version(CONTRACT_VERSION)
                        .description("""
                                The REST API of Patron, the loyalty platform: the till contract (members, quotes, \
                                sales, returns), the partner API and the admin API. JSON in UTF-8; amounts are decimal \
                                numbers with at most two fraction digits, points are integers. Errors are \
                                application/problem+json (RFC 9457) with a stable `code` and, for invalid fields, \
                                `errors[]`. A commit is idempotent on (store, receiptId): the same body again is \
                                answered 200 with `Idempotent-Replayed: true`.

                                Versioning: the document's version follows semantic versioning. Within 1.x fields \
                                and operations may be added, enum values only where documented as open, and nothing \
                                is removed, renamed or made required; a breaking change would be 2.0 under a new \
                                base path (/api/v2) with /api/v1 served alongside for at least twelve months.""")
                        .contact(new Contact().name("Patron").url("https://github.com/patron-loyalty/patron"))
                        .license(new License().name("Apache-2.0").url("https://www.apache.org/licenses/LICENSE-2.0")))
                .servers(List.of(new Server().url("https://patron.example.com").description("your Patron installation")))
                .components(new Components());
    }

    /** The security schemes and the error schemas, added after springdoc has built its components. */
    private static void addComponents(OpenAPI openApi) {
        Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
        openApi.setComponents(components);
        components.addSecuritySchemes("tillKey", bearer("A till's API key (pt_till_…): acts for its store."))
                .addSecuritySchemes("partnerKey", bearer("A partner's API key (pp_…): the partner API only."))
                .addSecuritySchemes("adminToken", bearer("An admin API token (pt_admin_…) with the roles it was given."))
                .addSecuritySchemes("adminBasic", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                        .description("An admin user's name and password (for scripts; prefer an admin token)."))
                .addSchemas("Problem", problemSchema())
                .addSchemas("FieldError", new ObjectSchema()
                        .addProperty("field", new StringSchema().maxLength(200).description("Path of the offending field, e.g. lines[2].quantity"))
                        .addProperty("message", new StringSchema().maxLength(500))
                        .required(List.of("field", "message")));
        addSharedAnswers(components);
        // Components in a stable order, so the committed document does not change with the order classes load.
        components.setSchemas(new TreeMap<>(components.getSchemas()));
        markRequired(components.getSchemas());
    }

    /**
     * A record component of a primitive type (never null) or marked {@code requiredMode = REQUIRED} is a
     * required property of its schema: generated clients then type it as always present.
     */
    @SuppressWarnings("rawtypes")
    private static void markRequired(Map<String, Schema> schemas) {
        Map<String, Class<?>> records = apiRecords();
        schemas.forEach((name, schema) -> {
            // A page of anything (Page<T> appears as PageMemberResponse, PageCoupon …) always has all four.
            Class<?> type = name.startsWith("Page") && schema.getProperties() != null && schema.getProperties().containsKey("items")
                    ? io.patron.common.Page.class : records.get(name);
            if (type == null || schema.getProperties() == null) {
                return;
            }
            List<String> required = new java.util.ArrayList<>(schema.getRequired() == null ? List.of() : schema.getRequired());
            for (var component : type.getRecordComponents()) {
                io.swagger.v3.oas.annotations.media.Schema annotation = component.getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
                boolean marked = annotation != null && annotation.requiredMode() == io.swagger.v3.oas.annotations.media.Schema.RequiredMode.REQUIRED;
                if ((component.getType().isPrimitive() || marked) && schema.getProperties().containsKey(component.getName())
                        && !required.contains(component.getName())) {
                    required.add(component.getName());
                }
            }
            if (!required.isEmpty()) {
                schema.setRequired(required);
            }
        });
    }

    private static volatile Map<String, Class<?>> apiRecords;

    /** Records under io.patron by the schema name springdoc gives them (their @Schema name, else their simple name). */
    private static Map<String, Class<?>> apiRecords() {
        Map<String, Class<?>> found = apiRecords;
        if (found != null) {
            return found;
        }
        Map<String, Class<?>> byName = new java.util.HashMap<>();
        java.util.Set<String> ambiguous = new java.util.HashSet<>();
        var scanner = new org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider(false) {
            @Override
            protected boolean isCandidateComponent(org.springframework.beans.factory.annotation.AnnotatedBeanDefinition definition) {
                return true;
            }
        };
        scanner.addIncludeFilter((reader, factory) -> "java.lang.Record".equals(reader.getClassMetadata().getSuperClassName()));
        for (var candidate : scanner.findCandidateComponents("io.patron")) {
            try {
                Class<?> type = Class.forName(candidate.getBeanClassName(), false, OpenApiConfig.class.getClassLoader());
                var annotation = type.getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
                String name = annotation != null && !annotation.name().isEmpty() ? annotation.name() : type.getSimpleName();
                if (byName.putIfAbsent(name, type) != null) {
                    ambiguous.add(name);
                }
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        ambiguous.forEach(byName::remove);
        apiRecords = Map.copyOf(byName);
        return apiRecords;
    }

    private static SecurityScheme bearer(String description) {
        return new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").description(description);
    }

    @SuppressWarnings("rawtypes")
    private static Schema problemSchema() {
        return new ObjectSchema()
                .description("An error (RFC 9457). `code` is stable and machine-readable; `errors` names the invalid fields.")
                .addProperty("type", new StringSchema().maxLength(200))
                .addProperty("title", new StringSchema().maxLength(200))
                .addProperty("status", new IntegerSchema().format("int32").minimum(java.math.BigDecimal.valueOf(400)).maximum(java.math.BigDecimal.valueOf(599)))
                .addProperty("detail", new StringSchema().maxLength(2000))
                .addProperty("code", new StringSchema().maxLength(64).example("INSUFFICIENT_POINTS"))
                .addProperty("errors", new ArraySchema().items(new Schema<>().$ref("#/components/schemas/FieldError")).maxItems(100))
                .addProperty("maxRedeemablePoints", new IntegerSchema().format("int64").minimum(java.math.BigDecimal.ZERO)
                        .maximum(java.math.BigDecimal.valueOf(1_000_000_000L))
                        .description("With INSUFFICIENT_POINTS and REDEMPTION_LIMIT_EXCEEDED: the most the till may ask to redeem."))
                .required(List.of("status", "code"));
    }

    @Bean
    OpenApiCustomizer patronContract() {
        Map<String, String> operationIds = operationIds();
        return openApi -> {
            addComponents(openApi);
            Map<String, PathItem> sorted = new TreeMap<>(openApi.getPaths());
            openApi.getPaths().clear();
            sorted.forEach((path, item) -> {
                openApi.getPaths().addPathItem(path, item);
                item.readOperationsMap().forEach((method, operation) -> {
                    String key = method.name() + " " + path;
                    String id = operationIds.get(key);
                    if (id != null) {
                        operation.setOperationId(id);
                    }
                    operation.setSecurity(security(path, method));
                    if (operation.getDescription() == null) {
                        operation.setDescription(operation.getSummary() != null ? operation.getSummary() : id);
                    }
                    completeResponses(path, method, operation);
                });
            });
        };
    }

    /** Who may call: the till contract takes a till key, the partner API a partner key, the rest an admin token or Basic. */
    private static List<SecurityRequirement> security(String path, PathItem.HttpMethod method) {
        if (path.startsWith("/api/v1/terms")) {
            return List.of();
        }
        if (path.startsWith("/api/v1/partner/")) {
            return List.of(new SecurityRequirement().addList("partnerKey"));
        }
        boolean till = path.equals("/api/v1/members") || path.equals("/api/v1/members/{id}/account") || path.equals("/api/v1/members/{id}/cards")
                || path.startsWith("/api/v1/purchases") || path.equals("/api/v1/stores/current");
        List<SecurityRequirement> admin = List.of(new SecurityRequirement().addList("adminToken"), new SecurityRequirement().addList("adminBasic"));
        if (!till) {
            return admin;
        }
        List<SecurityRequirement> both = new java.util.ArrayList<>();
        both.add(new SecurityRequirement().addList("tillKey"));
        if (!path.equals("/api/v1/stores/current") && !(path.startsWith("/api/v1/purchases") && method == PathItem.HttpMethod.POST)) {
            both.addAll(admin);
        }
        return both;
    }

    /** The error answers every operation shares, by status: documented once, referred to from each operation. */
    private static final Map<String, String[]> ERRORS = new LinkedHashMap<>();

    static {
        ERRORS.put("400", new String[] {"BadRequest", "The request is malformed or a field is invalid (see `errors`)."});
        ERRORS.put("401", new String[] {"Unauthenticated", "No credentials, or unknown or revoked ones (UNAUTHENTICATED, INVALID_API_KEY)."});
        ERRORS.put("403", new String[] {"Forbidden", "These credentials may not do this (FORBIDDEN, STORE_FORBIDDEN)."});
        ERRORS.put("404", new String[] {"NotFound", "No such resource (…_NOT_FOUND)."});
        ERRORS.put("409", new String[] {"Conflict", "In conflict with what is recorded (e.g. RECEIPT_ALREADY_RECORDED, REQUEST_IN_PROGRESS)."});
        ERRORS.put("422", new String[] {"Unprocessable", "Well-formed but refused by a rule of the programme (e.g. INSUFFICIENT_POINTS, RETURN_EXCEEDS_PURCHASE)."});
        ERRORS.put("429", new String[] {"TooManyRequests", "Too many requests (KEY_CONCURRENCY_LIMIT, RATE_LIMITED, TOO_MANY_LOOKUPS, …): retry after Retry-After."});
        ERRORS.put("500", new String[] {"ServerError", "A fault of Patron's (never a client's mistake); the request may be retried."});
        ERRORS.put("503", new String[] {"Unavailable", "Briefly unavailable (DATABASE_UNAVAILABLE, OVERLOADED): retry after Retry-After."});
    }

    private static void addSharedAnswers(Components components) {
        components.addHeaders("X-Request-Id", new Header().description("The request's id in Patron's logs (the caller's own X-Request-Id when it sent a sane one).")
                .schema(new StringSchema().maxLength(64)));
        components.addHeaders("RateLimit-Limit", new Header().description("Requests this key may make in the current window (one minute).")
                .schema(count(1_000_000_000)));
        components.addHeaders("RateLimit-Remaining", new Header().description("Requests left in the current window.").schema(count(1_000_000_000)));
        components.addHeaders("RateLimit-Reset", new Header().description("Seconds until the window ends.").schema(count(60)));
        components.addHeaders("Retry-After", new Header().description("Seconds to wait before retrying.").schema(count(86_400)));
        ERRORS.forEach((status, named) -> {
            ApiResponse response = new ApiResponse().description(named[1]).content(new Content().addMediaType("application/problem+json",
                    new MediaType().schema(new Schema<>().$ref(PROBLEM))));
            headerRef(response, "X-Request-Id");
            if (status.startsWith("4")) {
                rateLimitHeaders(response);
            }
            if (status.equals("429") || status.equals("503")) {
                headerRef(response, "Retry-After");
            }
            components.addResponses(named[0], response);
        });
    }

    /** Every answer documented: the success's headers, and each error as a Problem (a shared answer). */
    private static void completeResponses(String path, PathItem.HttpMethod method, Operation operation) {
        ApiResponses responses = operation.getResponses() == null ? new ApiResponses() : operation.getResponses();
        operation.setResponses(responses);
        boolean secured = operation.getSecurity() != null && !operation.getSecurity().isEmpty();
        responses.forEach((code, response) -> {
            if (response.get$ref() == null) {
                if (code.startsWith("2") || code.startsWith("4")) {
                    rateLimitHeaders(response);
                }
                headerRef(response, "X-Request-Id");
            }
        });
        List<String> statuses = new java.util.ArrayList<>(List.of("400"));
        if (secured) {
            statuses.addAll(List.of("401", "403"));
        }
        if (path.contains("{")) {
            statuses.add("404");
        }
        if (method != PathItem.HttpMethod.GET) {
            statuses.addAll(List.of("409", "422"));
        }
        statuses.addAll(List.of("429", "500", "503"));
        for (String status : statuses) {
            responses.addApiResponse(status, new ApiResponse().$ref("#/components/responses/" + ERRORS.get(status)[0]));
        }
    }

    private static void rateLimitHeaders(ApiResponse response) {
        headerRef(response, "RateLimit-Limit");
        headerRef(response, "RateLimit-Remaining");
        headerRef(response, "RateLimit-Reset");
    }

    private static IntegerSchema count(long max) {
        return (IntegerSchema) new IntegerSchema().format("int32").minimum(java.math.BigDecimal.ZERO).maximum(java.math.BigDecimal.valueOf(max));
    }

    private static void headerRef(ApiResponse response, String name) {
        if (response.getHeaders() == null) {
            response.setHeaders(new LinkedHashMap<>());
        }
        response.getHeaders().putIfAbsent(name, new Header().$ref("#/components/headers/" + name));
    }

    /** {@code openapi/operation-ids.txt}: "METHOD path operationId" per line. */
    static Map<String, String> operationIds() {
        Map<String, String> ids = new LinkedHashMap<>();
        try (InputStream in = OpenApiConfig.class.getResourceAsStream("/openapi/operation-ids.txt");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+");
                ids.put(parts[0] + " " + parts[1], parts[2]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ids;
    }
}
