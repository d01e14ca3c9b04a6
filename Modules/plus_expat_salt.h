/* PythonPlus: the hash salt given to expat parsers (CVE-2026-7210).

   Stock 2.7 salted expat's hash tables with the str hash secret, which
   is 0 unless -R or PYTHONHASHSEED is given, and is otherwise tied to
   the str hashes.  The salt now comes from the OS random source, once
   per process and module, as the hash secret would be under -R.  Only
   if that source fails is the hash secret used as before (expat then
   picks its own salt for 0).  Included by pyexpat.c and _elementtree.c.
*/
#ifndef Py_PYPLUS_EXPAT_SALT_H
#define Py_PYPLUS_EXPAT_SALT_H

static unsigned long
plus_expat_hash_salt(void)
{
    static int have_salt = 0;
    static unsigned long salt = 0;

    if (!have_salt) {
        if (_PyOS_URandom(&salt, sizeof(salt)) < 0) {
            PyErr_Clear();
            salt = (unsigned long)_Py_HashSecret.prefix;
        }
        have_salt = 1;
    }
    return salt;
}

#endif /* Py_PYPLUS_EXPAT_SALT_H */
