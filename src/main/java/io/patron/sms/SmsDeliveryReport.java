package io.patron.sms;

/** A provider's word on a message it accepted: delivered to the phone, or not (with its reason). */
public record SmsDeliveryReport(String provider, String providerId, boolean delivered, String detail) {
}
