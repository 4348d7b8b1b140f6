package io.patron.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.patron.Api;
import io.patron.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

/**
 * The OpenAPI document is part of the product: the running application's must be the committed
 * {@code docs/openapi.json}, so every change of the contract is reviewed with the code that made it.
 * To accept a change, write the document again with
 * {@code ./mvnw test -Dtest=OpenApiContractTest -Dpatron.openapi.write=true} and commit it. Also
 * checked here: what an integrator's generated client relies on.
 */
class OpenApiContractTest extends IntegrationTest {

    private static final Path COMMITTED = Path.of("docs/openapi.json");

    @LocalServerPort
    int port;

    private JsonNode live() throws Exception {
        Api.Response r = Api.anonymous(port).get("/v3/api-docs");
        assertThat(r.status()).isEqualTo(200);
        JsonNode document = r.json();
        if (Boolean.getBoolean("patron.openapi.write")) {
            Files.writeString(COMMITTED, Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n");
        }
        return document;
    }

    @Test
    void theRunningApplicationPublishesTheCommittedDocument() throws Exception {
        JsonNode live = live();
        JsonNode committed = Api.JSON.readTree(Files.readString(COMMITTED));
        assertThat(live).as("docs/openapi.json is out of date: run ./mvnw test -Dtest=OpenApiContractTest -Dpatron.openapi.write=true "
                + "and review the difference before committing it").isEqualTo(committed);
    }

    @Test
    void everyOperationIsNamedSecuredAndAnswersItsErrorsAsProblems() throws Exception {
        JsonNode document = live();
        Map<String, String> ids = OpenApiConfig.operationIds();
        List<String> problems = new ArrayList<>();
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            String key = op.getKey().toUpperCase() + " " + path.getKey();
            JsonNode operation = op.getValue();
            if (!operation.path("operationId").asString().equals(ids.get(key))) {
                problems.add(key + ": operationId " + operation.path("operationId").asString() + " is not in openapi/operation-ids.txt");
            }
            if (operation.path("tags").isEmpty()) {
                problems.add(key + ": no tag");
            }
            if (!path.getKey().startsWith("/api/v1/terms") && operation.path("security").isEmpty()) {
                problems.add(key + ": no security scheme");
            }
            operation.path("responses").properties().forEach(entry -> {
                String status = entry.getKey();
                JsonNode response = resolve(document, entry.getValue());
                if ((status.startsWith("4") || status.startsWith("5")) && !response.path("content").has("application/problem+json")) {
                    problems.add(key + " " + status + ": not application/problem+json");
                }
                response.path("content").properties().forEach(media -> {
                    if (media.getKey().equals("*/*")) {
                        problems.add(key + " " + status + ": answers */*");
                    }
                });
            });
            for (String status : List.of("400", "429", "500", "503")) {
                if (!operation.path("responses").has(status)) {
                    problems.add(key + ": no " + status);
                }
            }
        }));
        document.path("components").path("schemas").propertyNames().forEach(name -> {
            if (name.equals("JsonNode") || name.equals("ObjectNode") || name.startsWith("Map")) {
                problems.add("schema " + name + " leaks a library type");
            }
        });
        assertThat(problems).isEmpty();
        assertThat(ids).as("every line of operation-ids.txt names an operation that exists").hasSize(countOperations(document));
    }

    @Test
    void theTillContractIsTyped() throws Exception {
        JsonNode paths = live().path("paths");
        JsonNode commit = paths.path("/api/v1/purchases").path("post");
        assertThat(commit.path("operationId").asString()).isEqualTo("commitPurchase");
        assertThat(commit.at("/responses/201/content/application~1json/schema/$ref").asString()).endsWith("/PurchaseResponse");
        assertThat(commit.at("/responses/201/headers").has("Location")).isTrue();
        assertThat(commit.at("/responses/200/headers").has("Idempotent-Replayed")).isTrue();
        assertThat(resolve(live(), commit.at("/responses/429")).path("headers").has("Retry-After")).isTrue();
        assertThat(commit.path("security").toString()).contains("tillKey");
        assertThat(paths.at("/~1api~1v1~1purchases~1quote/post/operationId").asString()).isEqualTo("quotePurchase");
        assertThat(paths.at("/~1api~1v1~1members/get/operationId").asString()).isEqualTo("findMembers");
        JsonNode problem = live().at("/components/schemas/Problem");
        assertThat(problem.path("properties").has("code")).isTrue();
        assertThat(problem.path("properties").has("errors")).isTrue();
        assertThat(problem.path("properties").has("maxRedeemablePoints")).isTrue();
        JsonNode line = live().at("/components/schemas/PurchaseLine");
        assertThat(line.path("required").toString()).contains("lineId").contains("quantity").contains("unitPrice");
    }

    /** A response as written, or the shared one its $ref names. */
    private static JsonNode resolve(JsonNode document, JsonNode response) {
        String ref = response.path("$ref").asString("");
        return ref.isEmpty() ? response : document.at(ref.substring(1));
    }

    private static int countOperations(JsonNode document) {
        int[] n = {0};
        document.path("paths").forEach(path -> n[0] += path.size());
        return n[0];
    }

    /**
     * Every enum of Patron's API packages has a schema name of its own: two enums called Status once
     * shared one schema, and a fraud case's status was documented as DRAFT, ACTIVE or RETIRED.
     */
    @Test
    void noTwoEnumsShareASchemaName() throws Exception {
        var scanner = new org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider(false) {
            @Override
            protected boolean isCandidateComponent(org.springframework.beans.factory.annotation.AnnotatedBeanDefinition definition) {
                return true;
            }
        };
        scanner.addIncludeFilter((reader, factory) -> "java.lang.Enum".equals(reader.getClassMetadata().getSuperClassName()));
        Map<String, List<String>> byName = new java.util.TreeMap<>();
        for (var candidate : scanner.findCandidateComponents("io.patron")) {
            Class<?> type = Class.forName(candidate.getBeanClassName());
            boolean ours = type.getProtectionDomain().getCodeSource().getLocation().getPath().endsWith("/classes/");
            if (!ours || type.getPackageName().endsWith(".internal")) {
                continue; // the generated client, the tests, and what the API never shows
            }
            var schema = type.getAnnotation(io.swagger.v3.oas.annotations.media.Schema.class);
            String name = schema != null && !schema.name().isEmpty() ? schema.name() : type.getSimpleName();
            byName.computeIfAbsent(name, n -> new ArrayList<>()).add(type.getName());
        }
        assertThat(byName).isNotEmpty();
        assertThat(byName.entrySet().stream().filter(e -> e.getValue().size() > 1).map(Map.Entry::toString).toList()).isEmpty();
        JsonNode schemas = live().path("components").path("schemas");
        assertThat(schemas.path("FraudCaseStatus").path("enum").toString()).isEqualTo("[\"OPEN\",\"CLOSED\"]");
        assertThat(schemas.path("WebhookDeliveryStatus").path("enum").toString()).isEqualTo("[\"PENDING\",\"DELIVERED\",\"FAILED\"]");
        assertThat(schemas.has("Status")).isFalse();
    }

}
