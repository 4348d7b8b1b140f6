package io.patron.sms.internal;

import io.patron.sms.SmsChannel;
import io.patron.sms.SmsDeliveryReport;
import io.patron.sms.SmsProvider;
import io.patron.sms.SmsText;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.AlertNotification;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.DeliverSm;
import org.jsmpp.bean.DeliveryReceipt;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.extra.SessionState;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.MessageReceiverListener;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.Session;
import org.jsmpp.util.DeliveryReceiptState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * SMPP 3.4 to an operator's SMSC (jsmpp): one transceiver session, bound on first use and again after
 * it breaks; GSM 7-bit text as the SMSC's default alphabet, anything else as UCS-2; long texts as
 * concatenated parts (a user data header); a delivery receipt asked for every message and matched by
 * the message id the SMSC gave the first part.
 */
@Component
@ConditionalOnProperty(name = "patron.sms.provider", havingValue = "smpp")
class SmppProvider implements SmsProvider, MessageReceiverListener {

    private static final Logger log = LoggerFactory.getLogger(SmppProvider.class);

    private final String host;
    private final int port;
    private final String systemId;
    private final String password;
    private final String systemType;
    private final String from;
    private final long timeoutMillis;
    private final SmsChannel channel;
    private SMPPSession session;

    SmppProvider(@Value("${patron.sms.smpp.host}") String host, @Value("${patron.sms.smpp.port:2775}") int port,
                 @Value("${patron.sms.smpp.system-id}") String systemId, @Value("${patron.sms.smpp.password:}") String password,
                 @Value("${patron.sms.smpp.system-type:}") String systemType, @Value("${patron.sms.from:Patron}") String from,
                 @Value("${patron.sms.smpp.timeout-millis:10000}") long timeoutMillis, @Lazy SmsChannel channel) {
        this.host = host;
        this.port = port;
        this.systemId = systemId;
        this.password = password;
        this.systemType = systemType;
        this.from = from;
        this.timeoutMillis = timeoutMillis;
        this.channel = channel;
    }

    @Override
    public String name() {
        return "smpp";
    }

    @Override
    public synchronized String send(String recipient, String text) throws Exception {
        SMPPSession smpp = session();
        List<byte[]> parts = SmsText.encodedParts(text);
        boolean gsm = SmsText.segments(text).encoding() == SmsText.Encoding.GSM7;
        GeneralDataCoding coding = new GeneralDataCoding(gsm ? Alphabet.ALPHA_DEFAULT : Alphabet.ALPHA_UCS2);
        boolean alphanumeric = !from.matches("\\+?\\d+");
        TypeOfNumber sourceTon = alphanumeric ? TypeOfNumber.ALPHANUMERIC : TypeOfNumber.INTERNATIONAL;
        NumberingPlanIndicator sourceNpi = alphanumeric ? NumberingPlanIndicator.UNKNOWN : NumberingPlanIndicator.ISDN;
        String destination = recipient.startsWith("+") ? recipient.substring(1) : recipient;
        byte reference = (byte) ThreadLocalRandom.current().nextInt(256);
        String first = null;
        try {
            for (int i = 0; i < parts.size(); i++) {
                byte[] body = parts.get(i);
                ESMClass esm = new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, GSMSpecificFeature.DEFAULT);
                if (parts.size() > 1) {
                    // A concatenation header: reference, total parts, this part's number.
                    byte[] udh = {0x05, 0x00, 0x03, reference, (byte) parts.size(), (byte) (i + 1)};
                    byte[] withHeader = new byte[udh.length + body.length];
                    System.arraycopy(udh, 0, withHeader, 0, udh.length);
                    System.arraycopy(body, 0, withHeader, udh.length, body.length);
                    body = withHeader;
                    esm = new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, GSMSpecificFeature.UDHI);
                }
                String id = smpp.submitShortMessage("", sourceTon, sourceNpi, from.startsWith("+") ? from.substring(1) : from,
                        TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, esm, (byte) 0, (byte) 1, null, null,
                        new RegisteredDelivery(i == 0 ? SMSCDeliveryReceipt.SUCCESS_FAILURE : SMSCDeliveryReceipt.DEFAULT),
                        (byte) 0, coding, (byte) 0, body).getMessageId();
                if (first == null) {
                    first = id;
                }
            }
        } catch (IOException e) {
            // The session broke: bind again on the next message.
            close();
            throw e;
        }
        return first;
    }

    private SMPPSession session() throws IOException {
        if (session != null && session.getSessionState().isBound()) {
            return session;
        }
        close();
        SMPPSession fresh = new SMPPSession();
        fresh.setTransactionTimer(timeoutMillis);
        fresh.setEnquireLinkTimer(30_000);
        fresh.setMessageReceiverListener(this);
        fresh.connectAndBind(host, port, new BindParameter(BindType.BIND_TRX, systemId, password, systemType,
                TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null), timeoutMillis);
        session = fresh;
        log.info("Bound to the SMSC at {}:{} as {}", host, port, systemId);
        return fresh;
    }

    @PreDestroy
    synchronized void close() {
        if (session != null) {
            try {
                if (session.getSessionState() != SessionState.CLOSED) {
                    session.unbindAndClose();
                }
            } catch (RuntimeException e) {
                log.debug("Closing the SMPP session: {}", e.toString());
            }
            session = null;
        }
    }

    @Override
    public void onAcceptDeliverSm(DeliverSm deliverSm) throws ProcessRequestException {
        if (!deliverSm.isSmscDeliveryReceipt()) {
            return; // a message from a phone: Patron takes none
        }
        try {
            DeliveryReceipt receipt = deliverSm.getShortMessageAsDeliveryReceipt();
            boolean delivered = receipt.getFinalStatus() == DeliveryReceiptState.DELIVRD;
            channel.report(new SmsDeliveryReport(name(), receipt.getId(), delivered,
                    receipt.getFinalStatus() + (receipt.getError() == null ? "" : " err:" + receipt.getError())));
        } catch (Exception e) {
            log.warn("An SMPP delivery receipt could not be read: {}", e.toString());
        }
    }

    @Override
    public void onAcceptAlertNotification(AlertNotification alertNotification) {
        // Not used.
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
        throw new ProcessRequestException("data_sm is not accepted", SMPPConstant.STAT_ESME_RINVCMDID);
    }
}
