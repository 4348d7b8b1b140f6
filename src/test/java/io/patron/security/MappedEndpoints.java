package io.patron.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** Every endpoint the application maps, one per HTTP method and path pattern, in a stable order. */
record MappedEndpoints(List<Endpoint> all) {

    /** {@code plainText}: it consumes text/plain; {@code jsonBody}: it reads a JSON body into an object. */
    record Endpoint(String method, String pattern, boolean plainText, boolean jsonBody) {
        String name() {
            return method + " " + pattern;
        }
    }

    static MappedEndpoints of(RequestMappingHandlerMapping mapping) {
        List<Endpoint> all = new ArrayList<>();
        mapping.getHandlerMethods().forEach((info, handler) -> {
            boolean plainText = info.getConsumesCondition().getConsumableMediaTypes().contains(MediaType.TEXT_PLAIN);
            boolean json = Arrays.stream(handler.getMethodParameters())
                    .anyMatch(p -> p.hasParameterAnnotation(RequestBody.class) && !p.getParameterType().equals(String.class));
            for (String pattern : info.getPatternValues()) {
                for (var m : info.getMethodsCondition().getMethods()) {
                    all.add(new Endpoint(m.name(), pattern, plainText, json));
                }
            }
        });
        all.sort(Comparator.comparing(Endpoint::name));
        return new MappedEndpoints(List.copyOf(all));
    }
}
