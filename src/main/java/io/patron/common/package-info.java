/**
 * Shared vocabulary every module may use: problem+json errors, the caller of a request, paging,
 * languages, secrets and the injected clock.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package io.patron.common;
