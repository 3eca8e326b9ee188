package template

// isoCodes lists the ISO 4217 currency codes the currency format
// accepts, sorted, four bytes apart.
const isoCodes = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV " +
	"BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE " +
	"CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD " +
	"HNL HRK HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD " +
	"KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN " +
	"MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD " +
	"RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS " +
	"TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST " +
	"XAF XAG XAU XBA XBB XBC XBD XCD XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG " +
	"ZWL "

type currencyInfo struct {
	code   string // upper case, a substring of isoCodes
	digits int    // minor unit digits
	symbol string // prefix written before the amount
}

// currencyOf looks up an ISO 4217 code, in any case.
func currencyOf(code string) (currencyInfo, bool) {
	if len(code) != 3 {
		return currencyInfo{}, false
	}
	var up [3]byte
	for i := range 3 {
		c := code[i]
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c < 'A' || c > 'Z' {
			return currencyInfo{}, false
		}
		up[i] = c
	}
	lo, hi := 0, len(isoCodes)/4
	for lo < hi {
		m := (lo + hi) / 2
		c := isoCodes[m*4 : m*4+3]
		switch {
		case c == string(up[:]):
			return currencyInfo{code: c, digits: minorDigits(c), symbol: currencySymbol(c)}, true
		case c < string(up[:]):
			lo = m + 1
		default:
			hi = m
		}
	}
	return currencyInfo{}, false
}

func minorDigits(c string) int {
	switch c {
	case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF":
		return 0
	case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
		return 3
	case "CLF", "UYW":
		return 4
	}
	return 2
}

func currencySymbol(c string) string {
	switch c {
	case "USD":
		return "$"
	case "EUR":
		return "€"
	case "GBP":
		return "£"
	case "JPY":
		return "¥"
	case "INR":
		return "₹"
	case "KRW":
		return "₩"
	case "ILS":
		return "₪"
	case "VND":
		return "₫"
	case "PHP":
		return "₱"
	case "CNY":
		return "CN¥"
	case "CAD":
		return "CA$"
	case "AUD":
		return "A$"
	case "NZD":
		return "NZ$"
	case "MXN":
		return "MX$"
	case "BRL":
		return "R$"
	case "HKD":
		return "HK$"
	case "TWD":
		return "NT$"
	}
	return c + " "
}
