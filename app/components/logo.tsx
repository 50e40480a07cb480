// The mark is an SVG envelope rather than the 郵 glyph: a CJK glyph in the
// logo would show as a box on machines without a CJK font.
export function Logo({ size = "md" }: { size?: "md" | "lg" }) {
  const box = size === "lg" ? "h-10 w-10" : "h-8 w-8";
  return (
    <span className="flex items-center gap-2.5">
      <span className={`${box} grid place-items-center rounded-lg bg-rose-700 text-white`}>
        <svg
          aria-hidden="true"
          viewBox="0 0 24 24"
          className="h-[60%] w-[60%]"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
        >
          <rect x="3" y="5" width="18" height="14" rx="2" />
          <path d="m3.5 6.5 8.5 6.5 8.5-6.5" strokeLinejoin="round" />
        </svg>
      </span>
      <span className={`${size === "lg" ? "text-2xl" : "text-lg"} font-semibold tracking-tight`}>Yubin</span>
    </span>
  );
}
