package io.patron.common;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.oned.EAN13Writer;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.util.Map;

/** Scannable card images as SVG: an EAN-13 barcode for till scanners and a QR code for phones. */
public final class Barcodes {

    private Barcodes() {
    }

    public static String ean13Svg(String cardNumber) {
        BitMatrix matrix = new EAN13Writer().encode(cardNumber, BarcodeFormat.EAN_13, 0, 0);
        // One row is enough for a linear code; draw it 60 modules tall.
        int width = matrix.getWidth();
        StringBuilder svg = new StringBuilder(4096);
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(width).append(" 60\" ")
                .append("shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"EAN-13 ").append(cardNumber).append("\">")
                .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
        int x = 0;
        while (x < width) {
            if (matrix.get(x, 0)) {
                int start = x;
                while (x < width && matrix.get(x, 0)) {
                    x++;
                }
                svg.append('M').append(start).append(" 0h").append(x - start).append("v60h-").append(x - start).append('z');
            } else {
                x++;
            }
        }
        return svg.append("\"/></svg>").toString();
    }

    public static String qrSvg(String content) {
        try {
            BitMatrix matrix = new QRCodeWriter().encode(content, BarcodeFormat.QR_CODE, 0, 0,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2));
            int size = matrix.getWidth();
            StringBuilder svg = new StringBuilder(8192);
            svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(size).append(' ').append(size)
                    .append("\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">")
                    .append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    if (matrix.get(x, y)) {
                        svg.append('M').append(x).append(' ').append(y).append("h1v1h-1z");
                    }
                }
            }
            return svg.append("\"/></svg>").toString();
        } catch (WriterException e) {
            throw new IllegalStateException("a card number always fits a QR code", e);
        }
    }
}
