/* Folding text for search (see fold.h): decodes UTF-8 strictly, maps every
 * Latin letter with diacritics (Latin-1 Supplement, Latin Extended-A/B and
 * Latin Extended Additional, where Vietnamese's stacked tones live) to its
 * lowercase ASCII base letter, drops combining marks so decomposed (NFD)
 * input folds like precomposed input, turns everything else that is not a
 * letter or digit into a single separating space, and drops invalid UTF-8
 * bytes. The tables were generated from Unicode's canonical decompositions
 * (first base character), with đ/Đ, ø, ł, ħ... mapped by hand. */
#include "core/fold.h"

#include <stdint.h>
#include <string.h>

#include "core/alloc.h"

/* U+00C0..U+024F; ' ' = not a letter, '*' = several letters (fold_multi). */
static const char fold_latin[] =
	"aaaaaa*ceeeeiiiidnooooo ouuuuy**aaaaaa*ceeeeiiiidnooooo ouuuuy*y"
	"aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii**jjkk llllll "
	" llnnnnnn   oooooo**rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzz "
	"b                      i        oo             uu    zz         "
	"             aaiioouuuuuuuuuu aaaa  ggggkkoooo  j   gg  nnaa    "
	"aaaaeeeeiiiioooorrrruuuusstt  hh      aaeeooooooooyy            "
	"                ";

/* U+1E00..U+1EFF (Latin Extended Additional: ạ ả ấ ầ ẩ ẫ ậ ... ỹ). */
static const char fold_ext_add[] =
	"aabbbbbbccddddddddddeeeeeeeeeeffgghhhhhhhhhhiiiikkkkkkllllllllmm"
	"mmmmnnnnnnnnoooooooopppprrrrrrrrssssssssssttttttttuuuuuuuuuuvvvv"
	"wwwwwwwwwwxxxxyyzzzzzzhtwy      aaaaaaaaaaaaaaaaaaaaaaaaeeeeeeee"
	"eeeeeeeeiiiioooooooooooooooooooooooouuuuuuuuuuuuuuyyyyyyyy      ";

_Static_assert(sizeof fold_latin - 1 == 0x250 - 0xC0, "latin table size");
_Static_assert(sizeof fold_ext_add - 1 == 0x100, "extended additional table size");

static const char *fold_multi(uint32_t cp)
{
	switch (cp) {
	case 0xC6: case 0xE6: return "ae";
	case 0xDE: case 0xFE: return "th";
	case 0xDF: return "ss";
	case 0x132: case 0x133: return "ij";
	case 0x152: case 0x153: return "oe";
	default: return " ";
	}
}

/* Decodes one code point at s[0..len); returns its length (1..4), or 0 for
 * an invalid sequence (overlong, surrogate, out of range, truncated). */
static size_t fold_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2; v = c & 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; v = c & 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; v = c & 0x07; min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return n;
}

/* The folded letters of one code point: "" to drop it, " " to separate. */
static const char *fold_map(uint32_t cp, char one[2])
{
	char c = ' ';

	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z')
			c = (char)(cp - 'A' + 'a');
		else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
			c = (char)cp;
	} else if (cp >= 0x300 && cp <= 0x36F) {
		return ""; /* combining diacritical marks (NFD input) */
	} else if (cp >= 0xC0 && cp < 0x250) {
		c = fold_latin[cp - 0xC0];
		if (c == '*')
			return fold_multi(cp);
	} else if (cp >= 0x1E00 && cp <= 0x1EFF) {
		c = fold_ext_add[cp - 0x1E00];
	}
	one[0] = c;
	one[1] = '\0';
	return one;
}

void fold_text(const char *s, size_t len, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int pending_space = 0, wrote = 0;
	char one[2];

	while (i < len) {
		uint32_t cp;
		size_t n = fold_decode(p + i, len - i, &cp);
		if (n == 0) {
			i++; /* invalid byte: dropped */
			continue;
		}
		i += n;
		const char *m = fold_map(cp, one);
		if (m[0] == '\0')
			continue;
		if (m[0] == ' ') {
			pending_space = wrote;
			continue;
		}
		if (pending_space)
			buf_putc(out, ' ');
		pending_space = 0;
		buf_puts(out, m);
		wrote = 1;
	}
	if (!out->data)
		buf_append(out, "", 0);
}

char *fold_dup(const char *s)
{
	struct buf b = {0};

	if (s)
		fold_text(s, strlen(s), &b);
	return buf_take(&b);
}
