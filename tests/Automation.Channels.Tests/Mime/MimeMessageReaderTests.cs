using System.Text;
using Automation.Channels.Mime;

namespace Automation.Channels.Tests.Mime;

public sealed class MimeMessageReaderTests
{
    private static MimeMessage Read(string message) => MimeMessageReader.Read(Encoding.Latin1.GetBytes(message.ReplaceLineEndings("\r\n")));

    private static MimeMessage ReadUtf8(string message) => MimeMessageReader.Read(Encoding.UTF8.GetBytes(message.ReplaceLineEndings("\r\n")));

    [Fact]
    public void Folded_headers_are_unfolded_and_encoded_words_decoded_in_b_and_q_forms()
    {
        var message = Read("""
            From: =?UTF-8?B?QW5uYSBLw7ZuaWc=?= <anna@example.com>
            To: "Shop, Support" <shop@example.com>
            Subject: =?iso-8859-1?Q?Bestellung_f=FCr?=
             =?iso-8859-1?Q?_M=FCnchen?= and more
            Message-ID: <abc.123@mail.example.com>
            Date: Tue, 1 Jul 2025 10:00:05 +0200 (CEST)

            Hello
            """);

        Assert.Equal("Bestellung für München and more", message.Subject);
        Assert.Equal(new MailboxAddress("Anna König", "anna@example.com"), Assert.Single(message.From));
        Assert.Equal(new MailboxAddress("Shop, Support", "shop@example.com"), Assert.Single(message.To));
        Assert.Equal("abc.123@mail.example.com", message.MessageId);
        Assert.Equal(new DateTimeOffset(2025, 7, 1, 10, 0, 5, TimeSpan.FromHours(2)), message.Date);
        Assert.Equal("Hello", message.TextBody);
        Assert.Empty(message.Problems);
    }

    [Fact]
    public void Character_split_across_two_adjacent_encoded_words_is_joined()
    {
        // "€" is E2 82 AC in UTF-8; the first word ends after E2 82.
        var message = Read("Subject: =?utf-8?Q?Price_=E2=82?= =?utf-8?Q?=AC_10?=\r\n\r\nx");

        Assert.Equal("Price € 10", message.Subject);
    }

    [Fact]
    public void Raw_utf8_headers_are_read_as_utf8()
    {
        var message = ReadUtf8("Subject: Заказ №42 ✓\nFrom: Пётр <petr@example.ru>\n\nтело");

        Assert.Equal("Заказ №42 ✓", message.Subject);
        Assert.Equal("Пётр", message.From[0].Name);
        Assert.Equal("тело", message.TextBody);
    }

    [Fact]
    public void Nested_multipart_gives_text_html_and_attachments_with_their_encodings_and_charsets()
    {
        var pdf = Convert.ToBase64String(Enumerable.Range(0, 300).Select(i => (byte)i).ToArray(), Base64FormattingOptions.InsertLineBreaks);
        var message = Read($"""
            From: shop@example.com
            Subject: nested
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="outer"

            This is the preamble.
            --outer
            Content-Type: multipart/alternative; boundary=inner

            --inner
            Content-Type: text/plain; charset=iso-8859-1
            Content-Transfer-Encoding: quoted-printable

            Gr=FC=DFe aus K=F6ln, a long line that is soft-=
            wrapped.
            --inner
            Content-Type: text/html; charset="utf-8"
            Content-Transfer-Encoding: base64

            {Convert.ToBase64String(Encoding.UTF8.GetBytes("<p>Grüße</p>"))}
            --inner--
            --outer
            Content-Type: application/pdf; name="ignored.pdf"
            Content-Disposition: attachment; filename*=utf-8''Rechnung%20%E2%82%AC.pdf
            Content-Transfer-Encoding: base64

            {pdf}
            --outer
            Content-Type: image/png
            Content-ID: <logo@x>
            Content-Disposition: inline; filename="logo.png"
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --outer--
            epilogue
            """);

        Assert.Equal("Grüße aus Köln, a long line that is soft-wrapped.", message.TextBody);
        Assert.Equal("<p>Grüße</p>", message.HtmlBody);
        Assert.Equal(2, message.Attachments.Count);
        var invoice = message.Attachments[0];
        Assert.Equal(("Rechnung €.pdf", "application/pdf"), (invoice.FileName, invoice.ContentType));
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (byte)i).ToArray(), invoice.Content);
        var logo = message.Attachments[1];
        Assert.Equal(("logo.png", "logo@x", true), (logo.FileName, logo.ContentId, logo.Inline));
        Assert.Equal([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], logo.Content);
        Assert.Empty(message.Problems);
    }

    [Theory]
    [InlineData("windows-1251", "Привет")]
    [InlineData("koi8-r", "Привет")]
    [InlineData("iso-8859-2", "Zażółć")]
    [InlineData("shift_jis", "こんにちは")]
    public void Legacy_charsets_are_decoded_through_the_code_pages_provider(string charset, string text)
    {
        var encoding = Charsets.Find(charset)!;
        var bytes = Encoding.ASCII.GetBytes($"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
            .Concat(encoding.GetBytes(text)).ToArray();

        var message = MimeMessageReader.Read(bytes);

        Assert.Equal(text, message.TextBody);
        Assert.Empty(message.Problems);
    }

    [Fact]
    public void Unknown_charset_is_read_as_utf8_and_reported()
    {
        var message = ReadUtf8("Content-Type: text/plain; charset=x-klingon\n\nQapla'");

        Assert.Equal("Qapla'", message.TextBody);
        Assert.Contains("unknown charset 'x-klingon', read as UTF-8", message.Problems);
    }

    [Fact]
    public void Unclosed_multipart_keeps_its_parts_and_reports_it()
    {
        var message = Read("""
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain

            first
            --b
            Content-Type: text/html

            <b>cut off
            """);

        Assert.Equal("first", message.TextBody);
        Assert.Equal("<b>cut off", message.HtmlBody);
        Assert.Contains("multipart 'b' is not closed", message.Problems);
    }

    [Fact]
    public void Multipart_without_boundary_is_read_as_text_and_reported()
    {
        var message = Read("Content-Type: multipart/mixed\r\n\r\njust text");

        Assert.Equal("just text", message.TextBody);
        Assert.Contains("multipart/mixed without a boundary, read as text", message.Problems);
    }

    [Fact]
    public void Broken_base64_decodes_what_it_can_and_reports_it()
    {
        var message = Read("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8g!!d29ybGQ=\r\n");

        Assert.Equal("Hello world", message.TextBody);
        Assert.Contains(message.Problems, p => p.StartsWith("broken base64", StringComparison.Ordinal));
    }

    [Fact]
    public void Bare_lf_line_endings_are_accepted()
    {
        var message = MimeMessageReader.Read(Encoding.ASCII.GetBytes(
            "Subject: lf\nContent-Type: multipart/alternative; boundary=z\n\n--z\nContent-Type: text/plain\n\nplain\n--z--\n"));

        Assert.Equal(("lf", "plain"), (message.Subject, message.TextBody));
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(64, 2000)];
            random.NextBytes(bytes);
            if (i % 2 == 0) Encoding.ASCII.GetBytes("Content-Type: multipart/mixed; boundary=\"q\"\r\n\r\n--q\r\n").CopyTo(bytes, 0);

            var message = MimeMessageReader.Read(bytes);

            Assert.NotNull(message.Problems);
        }
        Assert.Equal("", MimeMessageReader.Read([]).TextBody ?? "");
    }

    [Fact]
    public void Address_lists_with_quotes_comments_groups_and_junk_keep_the_addresses()
    {
        var message = Read("""
            To: "Doe, John" <john@example.com>, jane@example.com (Jane Roe), undisclosed-recipients:;, Team: a@x.org, b@x.org;, not an address
            Cc: <bare@example.com>

            x
            """);

        Assert.Equal(
            ["Doe, John <john@example.com>", "Jane Roe <jane@example.com>", "a@x.org", "b@x.org"],
            message.To.Select(a => a.ToString()));
        Assert.Equal("bare@example.com", Assert.Single(message.Cc).Address);
        Assert.Contains("unreadable address 'not an address'", message.Problems);
    }

    [Fact]
    public void Continued_rfc2231_parameters_and_encoded_word_file_names_are_joined_and_decoded()
    {
        var message = Read("""
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: application/octet-stream
            Content-Disposition: attachment; filename*0*=utf-8''Gro%C3%9Fe; filename*1="-Datei.txt"

            one
            --b
            Content-Type: application/octet-stream; name="=?utf-8?B?w7xiZXIudHh0?="

            two
            --b--
            """);

        Assert.Equal(["Große-Datei.txt", "über.txt"], message.Attachments.Select(a => a.FileName));
    }

    [Fact]
    public void Reply_headers_give_in_reply_to_and_references_without_brackets()
    {
        var message = Read("In-Reply-To: <a1@shop.example>\r\nReferences: <r0@x> <a1@shop.example>\r\n\r\nthanks");

        Assert.Equal("a1@shop.example", message.InReplyTo);
        Assert.Equal(["r0@x", "a1@shop.example"], message.References);
    }
}
