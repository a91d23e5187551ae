package dev.lowrank4j.data.spam;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class EmailTextTest {
    @Test
    void subjectAndPlainBodyWithHeadersDropped() {
        String raw = "From someone  Mon Jan 6 2003\nReceived: from a\n\tby b\nSubject: Weekly\n  report\nTo: x@y\n\n"
                + "Line one.\n\n  Line   two.\n";
        assertEquals("Weekly report Line one. Line two.", EmailText.toClassifierText(raw));
    }

    @Test
    void crlfLineEndsAndAMissingBodyAreFine() {
        assertEquals("Hi there", EmailText.toClassifierText("Subject: Hi\r\nTo: x\r\n\r\nthere\r\n"));
        assertEquals("Only headers", EmailText.toClassifierText("Subject: Only headers\nTo: x\n"));
    }

    @Test
    void quotedPrintableHtmlIsDecodedThenStripped() {
        String raw = "Subject: Deal\nContent-Type: text/html; charset=\"iso-8859-1\"\nContent-Transfer-Encoding: quoted-printable\n\n"
                + "<html><style>p{x:1}</style><p class=3D\"a\">Caf=E9 &amp; more=\n text</p><script>var a=3D1;</script>"
                + "<!-- hidden --> 3 &lt; 4 &#33;</html>";
        assertEquals("Deal Café & more text 3 < 4 !", EmailText.toClassifierText(raw));
    }

    @Test
    void alternativePrefersPlainTextAndMixedDropsAttachments() {
        String alt = "Subject: A\nContent-Type: multipart/alternative; boundary=\"XX\"\n\npreamble\n--XX\n"
                + "Content-Type: text/html\n\n<b>html version</b>\n--XX\nContent-Type: text/plain\n\nplain version\n--XX--\nepilogue\n";
        assertEquals("A plain version", EmailText.toClassifierText(alt));
        String mixed = "Subject: M\nContent-Type: multipart/mixed; boundary=b1\n\n--b1\nContent-Type: multipart/alternative; "
                + "boundary=b2\n\n--b2\nContent-Type: text/html\n\n<i>only html</i>\n--b2--\n--b1\n"
                + "Content-Type: image/gif\nContent-Transfer-Encoding: base64\n\nR0lGODlhAQABAAAAACw=\n--b1\n\nno headers here\n--b1--\n";
        assertEquals("M only html no headers here", EmailText.toClassifierText(mixed));
    }

    @Test
    void base64BodyAndEncodedWordSubjects() {
        String raw = "Subject: =?iso-8859-1?Q?Gr=FC=DFe_aus?= =?utf-8?B?S8O2bG4=?= !\n"
                + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
                + "w7xiZXIgYWxs\nZXM=\n";
        assertEquals("Grüße ausKöln ! über alles", EmailText.toClassifierText(raw));
    }

    @Test
    void malformedEncodingsCostCharactersNotTheMessage() {
        assertArrayEquals("a=Zb=".getBytes(StandardCharsets.ISO_8859_1), MimeDecoding.quotedPrintable("a=Zb=", false));
        assertArrayEquals("hi".getBytes(StandardCharsets.US_ASCII), MimeDecoding.base64("aG*k\n=garbage"));
        assertEquals(0, MimeDecoding.base64("!!!").length);
        assertEquals(StandardCharsets.ISO_8859_1, MimeDecoding.charset("x-no-such-charset"));
        // a multipart without a boundary has no reliable structure: its body is dropped, the subject kept
        assertEquals("S", EmailText.toClassifierText("Subject: S\nContent-Type: multipart/mixed\n\n--x\n\nbody\n"));
    }
}
